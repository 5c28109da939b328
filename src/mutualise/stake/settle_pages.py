"""The membership secretary's pages for a member's shares leaving on death or bankruptcy
(CCBSA 2014 ss.37-40 and Sch.1), reached from the member's entry in the share register:
settle a deceased member's shares (the page shows what goes to the nominee and what to the
personal representatives before anything is paid) and pay a bankrupt member's shares to the
trustee of their property (again a check of what is paid first). Settling on death also ends
the membership on the date of death. Stake's services check the role again, pay in one
transaction under the asset lock and audit each payment; these pages read the form and explain
a refusal at its field. Each confirmation carries what was checked and the holding it was shown,
so sending it twice (or again after going back) does not pay twice."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from rules import has_perm

from mutualise import clock
from mutualise.constitution.settings import parse_pounds
from mutualise.register import services as register
from mutualise.register.models import Member, Organisation
from mutualise.register.tabular import whole_number
from mutualise.register.views.common import DATE_PARTS

from . import services
from .member_pages import _sentence
from .models import ShareAccount
from .services.errors import FIRST_YEAR
from .views import pounds


def _entry(request, slug, number):
    """The organisation, the member and their holding in pence, for who may keep the share
    register only: a member, the board or another organisation's officer gets 403."""
    organisation = get_object_or_404(Organisation, slug=slug)
    # rules' has_perm, never user.has_perm: its superuser shortcut would let an install's
    # superuser with no role here see the holding and pay it out (roles are per organisation)
    if not has_perm("stake.keep_register", request.user, organisation):
        raise PermissionDenied("Only the membership secretary or an administrator may pay out "
                               "a member's shares.")  # fmt: skip
    if organisation.constitution.shares is None:
        raise Http404("this organisation issues no shares")
    member = get_object_or_404(Member, organisation=organisation, number=number)
    account = ShareAccount.objects.filter(member=member).first()
    return organisation, member, account.balance_pence if account else 0


def _day(post, name: str, label: str, errors: list) -> date | None:
    """The day typed in the GOV.UK date boxes `name`_day, _month and _year, or None with the
    reason added to `errors`: missing, not figures, not a real date, before 1900 or to come."""
    parts = [post.get(f"{name}_{part}", "").strip() for part, _, _ in DATE_PARTS]
    anchor = f"id_{name}_day"
    numbers = [whole_number(p, max_digits=4) for p in parts]
    if not any(parts):
        errors.append((anchor, f"Enter the {label}"))
    elif None in numbers:
        errors.append((anchor, f"The {label} must be a real date in figures, like 27 3 2026"))
    else:
        day, month, year = numbers
        try:
            found = date(year, month, day)
        except ValueError:
            errors.append((anchor, f"The {label} must be a real date"))
            return None
        if found.year < FIRST_YEAR:
            errors.append((anchor, f"The {label} must be in {FIRST_YEAR} or later"))
        elif found > clock.localdate():
            errors.append((anchor, f"The {label} must be today or in the past"))
        else:
            return found
    return None


def _dates(post, fields, errors) -> dict:
    """What the date boxes show again: each field's label, hint, parts typed and error."""
    shown = {}
    for name, label, hint in fields:
        error = next((m for a, m in errors if a == f"id_{name}_day"), "")
        typed = {part: post.get(f"{name}_{part}", "")[:10] for part, _, _ in DATE_PARTS}
        shown[name] = {"name": name, "label": label, "hint": hint, "error": error, **typed}
    return shown


def _anchor(text: str, fields, default: str = "held") -> str:
    """The field a service's refusal is about, by the words it uses (else the holding)."""
    return next((anchor for words, anchor in fields if words in text), default)


def _shown(post) -> int | None:
    return whole_number(post.get("shown", ""), max_digits=15)


def _shown_refusal(post, member, held: int, again: str) -> tuple[str, str] | None:
    """The refusal when the form does not carry the holding it was shown, or carries another
    (the same form sent again after a payment, or a movement in between), else None."""
    shown = _shown(post)
    if shown is None:
        return ("held", f"The form did not say which holding it was shown: {again}")
    if shown != held:
        return ("held", f"Member {member.number}'s holding changed since the page was shown "
                        f"({pounds(shown)} then, {pounds(held)} now): nothing was paid; check "
                        "the entry")  # fmt: skip
    return None


def _page(request, template, organisation, member, held, title, errors, **context):
    return render(
        request,
        template,
        {
            "organisation": organisation,
            "member": member,
            "held": pounds(held),
            "held_pence": held,
            "parts": DATE_PARTS,
            "errors": errors,
            "page_title": ("Error: " if errors else "") + title,
            **context,
        },
        status=400 if errors else 200,
    )


_DEATH_DATES = (
    ("died_on", "Date of death", "As on the death certificate, for example 27 3 2026"),
    ("paid_on", "Date the shares are paid", "For example 27 3 2026"),
)
_DEATH_REFUSALS = (("settled (", "id_paid_on_day"), ("date of death", "id_died_on_day"))


def settle_death(request, slug, number):
    """The date of death and of payment (POST: what is paid to whom, to check), then the
    payment (POST with action=pay and the holding checked), through settle_on_death."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation, member, held = _entry(request, slug, number)
    post, errors, check = request.POST, [], None
    if request.method == "POST" and held == 0:  # e.g. the payment's form sent again
        errors.append(("held", f"Member {member.number} holds no shares to settle"))
    elif request.method == "POST" and post.get("action") == "change":
        pass  # back from the check to the dates, as they were typed
    elif request.method == "POST":
        died_on = _day(post, "died_on", "date of death", errors)
        paid_on = _day(post, "paid_on", "date the shares are paid", errors)
        if died_on and paid_on and paid_on < died_on:
            errors.append(("id_paid_on_day", "The date the shares are paid must be on or "
                                             "after the date of death"))  # fmt: skip
        if died_on and member.is_member and not register.may_end(member, died_on)[0]:
            # Said at the check, not only when paying (the membership ends on the date of death);
            # the register's lifecycle decides whether it may end then.
            joined = f"{member.admitted_on:%-d %B %Y}"
            errors.append(("id_died_on_day", "The date of death must be on or after the day "
                                             f"they became a member, {joined}"))  # fmt: skip
        paying = post.get("action") == "pay"
        refusal = paying and _shown_refusal(post, member, held, "check what will be paid again")
        if not errors and refusal:
            errors.append(refusal)
        if not errors and paying:
            was_member = member.is_member
            try:
                paid = services.settle_on_death(organisation, member, died_on=died_on,
                                                on=paid_on, shown_pence=_shown(post),
                                                actor=request.user)  # fmt: skip
            except services.StakeError as exc:
                errors.append((_anchor(str(exc), _DEATH_REFUSALS),
                               _sentence(str(exc), officer=True)))  # fmt: skip
            else:
                parts = [f"{pounds(p)} to {'the ' if who == 'personal representatives' else ''}"
                         f"{who}" for who, p in paid]  # fmt: skip
                messages.success(request, f"{member.display_name}'s shares are settled: "
                                          + " and ".join(parts) + "." + _ended(member, was_member,
                                                                               died_on, slug))  # fmt: skip
                return redirect("stake:register_member", slug=slug, number=member.number)
        elif not errors:
            nomination, to_nominee, to_estate = services.death_payouts(
                organisation, member, died_on=died_on, held_pence=held
            )
            check = {"nomination": nomination, "to_nominee": pounds(to_nominee),
                     "to_estate": pounds(to_estate), "died_on": died_on, "paid_on": paid_on,
                     "days": [("died_on", died_on), ("paid_on", paid_on)],
                     "limit": pounds(organisation.constitution.shares.nomination_limit_pence
                                     or 0)}  # fmt: skip
    return _page(request, "stake/settle_death.html", organisation, member, held,
                 "Settle a deceased member's shares", errors, check=check,
                 dates=_dates(post, _DEATH_DATES, errors))  # fmt: skip


def _ended(member, was_member: bool, died_on: date, slug: str) -> str:
    """What the banner adds about the membership: ended on the date of death, or the next step
    when the one settling may not end memberships (an administrator)."""
    member.refresh_from_db(fields=["status"])
    if not was_member:
        return ""
    if not member.is_member:
        return f" Their membership ended on {died_on:%-d %B %Y}, the date of death."
    entry = reverse("register:member", kwargs={"slug": slug, "number": member.number})
    return (f" Their membership is still current: the membership secretary should end it "
            f"(reason: died, on {died_on:%-d %B %Y}) from their entry in the register, {entry}")  # fmt: skip


_BANKRUPTCY_DATES = (
    ("adjudged_on", "Date of the bankruptcy order", "As on the order, for example 27 3 2026"),
    ("paid_on", "Date the shares are paid", "For example 27 3 2026"),
)
_BANKRUPTCY_REFUSALS = (
    ("holds no shares", "held"), ("changed since", "held"), ("paid (", "id_paid_on_day"),
    ("the payment on", "id_paid_on_day"), ("bankruptcy order on", "id_adjudged_on_day"),
    ("trustee's name", "id_trustee"), ("paid-up value", "id_amount"), ("payment", "id_amount"),
)  # fmt: skip


def settle_bankruptcy(request, slug, number):
    """The bankruptcy order's date, the trustee's name, the amount (empty: the whole holding)
    and the day paid (POST: what is paid, to check), then the payment (POST with action=pay,
    what was checked and the holding it was shown), through settle_on_bankruptcy."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation, member, held = _entry(request, slug, number)
    post, errors, check = request.POST, [], None
    entered = {key: post.get(key, "").strip()[:300] for key in ("trustee", "amount")}
    if request.method == "POST" and held == 0:
        errors.append(("held", f"Member {member.number} holds no shares to pay to a trustee"))
    elif request.method == "POST" and post.get("action") == "change":
        pass  # back from the check to the form, as it was filled in
    elif request.method == "POST":
        adjudged_on = _day(post, "adjudged_on", "date of the bankruptcy order", errors)
        if not entered["trustee"]:
            errors.append(("id_trustee", "Enter the name of the trustee in bankruptcy"))
        elif len(post.get("trustee", "").strip()) > 200:
            errors.append(("id_trustee", "The trustee's name must be at most 200 characters"))
        amount = parse_pounds(entered["amount"]) if entered["amount"] else None
        if entered["amount"] and not amount:
            errors.append(("id_amount", "Enter the amount in pounds, like 250 or 250.00, more "
                                        "than £0, or leave it empty to pay the whole "
                                        "holding"))  # fmt: skip
        paid_on = _day(post, "paid_on", "date the shares are paid", errors)
        if adjudged_on and paid_on and paid_on < adjudged_on:
            errors.append(("id_paid_on_day", "The date the shares are paid must be on or "
                                             "after the date of the bankruptcy order"))  # fmt: skip
        refusal = _shown_refusal(post, member, held, "open the member's entry and try again")
        if not errors and refusal:
            errors.append(refusal)
        if not errors and amount and amount > held:
            errors.append(("id_amount", f"The amount must be {pounds(held)} or less"))
        if not errors and post.get("action") == "pay":
            try:
                movement = services.settle_on_bankruptcy(
                    organisation, member, trustee_name=entered["trustee"],
                    adjudged_on=adjudged_on, on=paid_on, amount_pence=amount,
                    shown_pence=_shown(post), actor=request.user,
                )  # fmt: skip
            except services.StakeError as exc:
                errors.append((_anchor(str(exc), _BANKRUPTCY_REFUSALS),
                               _sentence(str(exc), officer=True)))  # fmt: skip
            else:
                paid, left = pounds(-movement.amount_pence), pounds(movement.balance_after_pence)
                messages.success(request, f"{paid} of {member.display_name}'s shares paid to "
                                          f"{entered['trustee']}, trustee in bankruptcy. "
                                          f"They now hold {left}.")  # fmt: skip
                return redirect("stake:register_member", slug=slug, number=member.number)
        elif not errors:
            paying = amount or held
            check = {"paying": pounds(paying), "left": pounds(held - paying),
                     "adjudged_on": adjudged_on, "paid_on": paid_on,
                     "days": [("adjudged_on", adjudged_on), ("paid_on", paid_on)]}  # fmt: skip
    return _page(request, "stake/settle_bankruptcy.html", organisation, member, held,
                 "Pay a bankrupt member's shares to the trustee", errors, entered=entered,
                 check=check, dates=_dates(post, _BANKRUPTCY_DATES, errors))  # fmt: skip
