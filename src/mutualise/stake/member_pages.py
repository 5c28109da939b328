"""What a member does on their own share account: ask to withdraw shares (the rulebook's
notice and moratorium decide when it falls due), cancel a request still waiting, and name who
receives their shares on death (a nomination, up to the rulebook's limit). Every change goes
through stake's services, which check it is the member's own account."""

from __future__ import annotations

import contextlib
import re

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rules import has_perm

from mutualise import clock
from mutualise.constitution.settings import parse_pounds
from mutualise.register.models import Member, Organisation
from mutualise.register.tabular import whole_number

from . import services
from .models import WithdrawalRequest
from .views import pounds


def _member(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if organisation.constitution.shares is None:
        raise Http404("this organisation issues no shares")
    member = Member.objects.filter(organisation=organisation, user=request.user).first()
    if member is None:
        raise Http404("your sign-in is not linked to a membership here")
    return organisation, member


def withdraw(request, slug):
    """The withdrawal form (GET) and the request (POST)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation, member = _member(request, slug)
    shares = organisation.constitution.shares
    errors, entered = [], ""
    if request.method == "POST":
        entered = request.POST.get("amount", "")
        pence = parse_pounds(entered)
        if pence is None or pence == 0:
            errors.append(
                ("id_amount", "Enter the amount to withdraw in pounds, like 250 or 250.00")
            )
        else:
            try:
                services.request_withdrawal(organisation, member, pence, on=clock.localdate(),
                                            actor=request.user)  # fmt: skip
            except services.StakeError as exc:
                errors.append(("id_amount", _sentence(str(exc))))
            else:
                return redirect("stake:my_account", slug=slug)
    return render(
        request,
        "stake/withdraw.html",
        {
            "organisation": organisation,
            "member": member,
            "withdrawable": shares.withdrawable,
            "notice": shares.withdrawal_notice,
            "errors": errors,
            "entered": entered,
            "page_title": ("Error: " if errors else "") + "Withdraw shares",
        },
        status=400 if errors else 200,
    )


@require_POST
def cancel(request, slug, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation, member = _member(request, slug)
    asked = get_object_or_404(WithdrawalRequest, organisation=organisation, member=member, pk=pk)
    # Already paid or cancelled (a second click): the account page shows which.
    with contextlib.suppress(services.StakeError):
        services.cancel_withdrawal(asked, actor=request.user)
    return redirect("stake:my_account", slug=slug)


@require_POST
def choose_interest(request, slug):
    """Interest paid or credited: the member's own choice, or an officer's for the member whose
    number is posted (the service checks the role)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = get_object_or_404(Organisation, slug=slug)
    if organisation.constitution.shares is None:
        raise Http404("this organisation issues no shares")
    number = request.POST.get("member", "")
    if number:
        # isdigit() lets '²' through to int(), which raises: whole_number refuses it.
        parsed = whole_number(number)
        if parsed is None:
            raise Http404("no such member")
        member = get_object_or_404(Member, organisation=organisation, number=parsed)
    else:
        member = _member(request, slug)[1]
    try:
        services.choose_interest(organisation, member, request.POST.get("choice", ""),
                                 actor=request.user)  # fmt: skip
    except services.StakeError as exc:
        officer = number and has_perm("stake.view_register", request.user, organisation)
        back = (
            (reverse("stake:register_member", args=[slug, member.number]),
             "Back to the member's entry")
            if officer
            else (reverse("stake:my_account", args=[slug]), "Back to your shares")
        )  # fmt: skip
        return render(request, "stake/interest_refused.html",
                      {"organisation": organisation, "reason": _sentence(str(exc)), "back": back,
                       "page_title": "Error: Interest paid or credited"}, status=403)  # fmt: skip
    if number and member.user_id != request.user.pk:
        return redirect("stake:register_member", slug=slug, number=member.number)
    return redirect("stake:my_account", slug=slug)


def nominate(request, slug):
    """The nomination form (GET) and the nomination (POST); a new one revokes the last."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation, member = _member(request, slug)
    limit = organisation.constitution.shares.nomination_limit_pence
    if limit is None:
        raise Http404("this organisation's rules make no provision for nominations")
    errors, entered = [], {}
    if request.method == "POST":
        entered = {k: request.POST.get(k, "").strip() for k in ("name", "address", "relationship")}
        if not entered["name"]:
            errors.append(("id_name", "Enter the full name of the person you nominate"))
        if not entered["address"]:
            errors.append(("id_address", "Enter the address of the person you nominate"))
        if len(entered["name"]) > 200 or len(entered["address"]) > 300:
            errors.append(
                ("id_name", "The name must be at most 200 characters and the address 300")
            )
        if len(entered["relationship"]) > 40:
            errors.append(("id_relationship", "The relationship must be at most 40 characters"))
        if not errors:
            try:
                services.nominate(
                    organisation, member, nominee_name=entered["name"],
                    nominee_address=entered["address"], relationship=entered["relationship"],
                    made_on=clock.localdate(), actor=request.user,
                )  # fmt: skip
            except services.StakeError as exc:
                errors.append(("id_name", _sentence(str(exc))))
            else:
                return redirect("stake:my_account", slug=slug)
    current = services.nomination_on(member, clock.localdate())
    return render(
        request,
        "stake/nominate.html",
        {
            "organisation": organisation,
            "member": member,
            "limit": pounds(limit),
            "current": current,
            "errors": errors,
            "entered": entered,
            "page_title": ("Error: " if errors else "") + "Nominate who receives your shares",
        },
        status=400 if errors else 200,
    )


_PENCE = re.compile(r"\b(\d+)p\b")


def _sentence(text: str, *, officer: bool = False) -> str:
    """A service's refusal for a member's eyes (or an `officer`'s, acting for the member): a
    capital letter, and pounds, not pence."""
    text = _PENCE.sub(lambda m: pounds(int(m.group(1))), text)
    if not officer:  # the member reading it is them
        text = re.sub(r"^member \S+ holds", "you hold", text)
    return text[:1].upper() + text[1:]
