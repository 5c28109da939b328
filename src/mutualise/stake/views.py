"""Stake's pages: a member's own share account (CCBSA Part 8: a member may inspect their own
account; nobody sees another's here), the share offers with their progress and application
form, and the officers' view of the share register with its exports."""

from __future__ import annotations

from datetime import date
from itertools import accumulate

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from rules import has_perm

from mutualise import clock
from mutualise.constitution.calendar import financial_year
from mutualise.register.models import Member, Organisation

from . import exports, services
from .documents import certificate_pdf, statement_pdf
from .models import Movement, OfferApplication, ShareAccount, ShareOffer, WithdrawalRequest
from .offer_pages import progress


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return f"{sign}£{pence // 100:,}.{pence % 100:02d}"


def waiting_requests(member):
    return WithdrawalRequest.objects.filter(member=member, state=WithdrawalRequest.State.WAITING)


def my_account(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    shares = organisation.constitution.shares
    if shares is None:
        raise Http404("this organisation issues no shares")
    member = Member.objects.filter(organisation=organisation, user=request.user).first()
    account, movements, holding = account_holding(member, shares)
    return render(
        request,
        "stake/my_account.html",
        {
            "organisation": organisation,
            "member": member,
            **holding,
            "certificates": [m for m in movements if m.kind == Movement.Kind.ALLOTMENT]
            if shares.certificates
            else [],
            "statement_years": sorted(
                {_year_ending(organisation, m.on) for m in movements}, reverse=True
            ),  # fmt: skip
            "waiting": [
                {
                    "pk": r.pk,
                    "amount": pounds(r.outstanding_pence),
                    "requested_on": r.requested_on,
                    "due_on": r.due_on,
                    "lapsed": pounds(r.lapsed_pence) if r.lapsed_pence else "",
                    "reason": r.lapse_reason,
                }
                for r in waiting_requests(member)
            ]
            if member
            else [],
            "lapsed": [
                {
                    "amount": pounds(r.lapsed_pence),
                    "requested_on": r.requested_on,
                    "reason": r.lapse_reason,
                }
                for r in WithdrawalRequest.objects.filter(
                    member=member, state=WithdrawalRequest.State.LAPSED
                )
            ]
            if member
            else [],  # fmt: skip
            "withdrawable": shares.withdrawable,
            "held_pence": account.balance_pence if account else 0,
            "may_nominate": member is not None and shares.nomination_limit_pence is not None,
            "interest_choice": _interest_choice(shares, account),
            "page_title": "Your shares",
        },
    )


def _interest_choice(shares, account):
    """What the account page shows of interest paid or credited: the choice in force, and the
    options when the rules let the member choose."""
    rule = shares.interest_choice
    chosen = account.interest_choice if account and rule.members_may_choose else ""
    in_force = chosen or rule.default
    return {
        "may_choose": account is not None and rule.members_may_choose,
        "in_force": "paid to you" if in_force == "pay" else "credited to your shares",
        "options": [
            (value, label, value == chosen) for value, label in ShareAccount.InterestChoice.choices
        ],
    }


def offers(request, slug):
    """Every share offer of the organisation, newest first, with its progress."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if organisation.constitution.shares is None:
        raise Http404("this organisation issues no shares")
    listed = ShareOffer.objects.filter(organisation=organisation).order_by("-opens_on", "-id")
    return render(
        request,
        "stake/offers.html",
        {
            "organisation": organisation,
            "offers": [(o, progress(o)) for o in listed],
            "page_title": "Share offers",
        },
    )


def offer(request, slug, pk):
    """An offer's page: its terms, progress to its targets (an SVG chart, no script) and, for
    a signed-in member while it is open, the application form."""
    organisation = get_object_or_404(Organisation, slug=slug)
    shares = organisation.constitution.shares
    if shares is None:
        raise Http404("this organisation issues no shares")
    the_offer = get_object_or_404(ShareOffer, organisation=organisation, pk=pk)
    member = None
    if request.user.is_authenticated:
        member = Member.objects.filter(organisation=organisation, user=request.user).first()
    errors, applied = [], None
    if request.method == "POST":
        if member is None:
            return redirect_to_login(request.get_full_path())
        raw = request.POST.get("shares", "").strip()
        if not (raw.isascii() and raw.isdigit()) or not raw.strip("0"):
            errors.append(("id_shares", "Enter how many shares you want, as a whole number"))
        elif len(raw.lstrip("0")) > 12:  # int() refuses 4,300 digits; no offer is that big
            errors.append(("id_shares", "That is more shares than any offer could issue"))
        else:
            try:
                applied = services.apply(the_offer, member, int(raw), at=clock.now(),
                                         actor=request.user)  # fmt: skip
            except services.StakeError as exc:
                errors.append(("id_shares", str(exc)))
        if applied is not None:
            return redirect("stake:offer", slug=slug, pk=pk)
    mine = (
        OfferApplication.objects.filter(offer=the_offer, member=member).first() if member else None
    )
    day = clock.localdate()
    is_open = the_offer.takes_applications_on(day)
    shown = progress(the_offer)
    return render(
        request,
        "stake/offer.html",
        {
            "organisation": organisation,
            "offer": the_offer,
            "progress": shown,
            "raised": pounds(shown.raised_pence),
            "targets": [(name, pounds(p), at) for name, p, at in shown.markers],
            "nominal": pounds(shares.nominal_value_pence),
            "least": pounds(the_offer.minimum_holding_pence),
            "most": pounds(the_offer.maximum_holding_pence)
            if the_offer.maximum_holding_pence is not None
            else None,
            "member": member,
            "mine": mine,
            "mine_paid": pounds(mine.paid_pence) if mine else "",
            "is_open": is_open,
            "errors": errors,
            "entered": request.POST.get("shares", "")[:100],
            "page_title": ("Error: " if errors else "") + the_offer.title,
        },
        status=400 if errors else 200,
    )


def register_view(request, slug):
    """The officer's view of the share register (s.30), with the full and duplicate exports."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_perm("stake.view_register", request.user, organisation):
        raise PermissionDenied("Only the membership secretary, an administrator or the board "
                               "may see the share register.")  # fmt: skip
    if organisation.constitution.shares is None:
        raise Http404("this organisation issues no shares")
    duplicate = request.GET.get("duplicate") == "1"
    as_csv = request.GET.get("format") == "csv"
    services.record_inspection(organisation, copy="duplicate" if duplicate else "full",
                               form="csv" if as_csv else "page", actor=request.user)  # fmt: skip
    if as_csv:
        response = HttpResponse(
            exports.register_csv(organisation, duplicate=duplicate),
            content_type="text/csv; charset=utf-8",
        )
        name = "duplicate-register" if duplicate else "share-register"
        response["Content-Disposition"] = f'attachment; filename="{slug}-{name}.csv"'
        return response
    rows = list(exports.register_rows(organisation, duplicate=duplicate))
    return render(
        request,
        "stake/register.html",
        {
            "organisation": organisation,
            "header": rows[0],
            "rows": rows[1:501],
            "more": max(0, len(rows) - 501),
            "duplicate": duplicate,
            "inspections": services.inspections(organisation),
            "page_title": "Duplicate register" if duplicate else "Share register",
        },
    )


def _own_member(request, organisation):
    member = Member.objects.filter(organisation=organisation, user=request.user).first()
    if member is None:
        raise Http404("your sign-in is not linked to a membership here")
    return member


def account_holding(member, shares):
    """A member's share account, its movements (oldest first) and what both pages show of
    them: the holding, whole shares, the nominal value and the movements' rows."""
    account = ShareAccount.objects.filter(member=member).first() if member else None
    movements = Movement.objects.filter(account=account).order_by("on", "id") if account else []
    held = account.balance_pence if account else 0
    # The balance after each row in the order the rows take effect (a back-dated entry is
    # recorded after later ones: its stored balance_after is the recording order's).
    balances = list(accumulate(m.amount_pence for m in movements))
    return (
        account,
        movements,
        {
            "held": pounds(held),
            "whole_shares": held // shares.nominal_value_pence,
            "nominal": pounds(shares.nominal_value_pence),
            "rows": [
                (m.on, m.get_kind_display(), pounds(m.amount_pence), pounds(balance))
                for m, balance in zip(movements, balances, strict=True)
            ],
        },
    )


def statement(request, slug, year):
    """The signed-in member's statement for the financial year ending in `year`, as PDF."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if organisation.constitution.shares is None:
        raise Http404("this organisation issues no shares")
    member = _own_member(request, organisation)
    if not 1900 <= year <= 9998:  # date() refuses years outside 1..9999: not a 500
        raise Http404(f"no statement for {year}")
    end = organisation.constitution.organisation.financial_year_end
    first, last = financial_year(date(year, end.month, 1), end.day, end.month)
    response = HttpResponse(statement_pdf(organisation, member, first, last),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = f'inline; filename="statement-{year}.pdf"'
    return response


def certificate(request, slug, pk):
    """The share certificate for one of the signed-in member's allotments (PDF)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = _own_member(request, organisation)
    movement = get_object_or_404(Movement, organisation=organisation, pk=pk, account__member=member)
    try:
        data = certificate_pdf(organisation, movement)
    except services.StakeError as exc:
        raise Http404(str(exc)) from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{pk}.pdf"'
    return response


def _year_ending(organisation, day) -> int:
    """The calendar year in which the financial year holding `day` ends."""
    end = organisation.constitution.organisation.financial_year_end
    return financial_year(day, end.day, end.month)[1].year
