"""A person's own pages: joining, their membership, their data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from .. import services
from ..errors import DuplicateMember, MemberError, NotEligible
from ..forms import JoinForm
from ..models import Member, Role
from .common import DATE_PARTS, _field_errors, _json_download, _organisation

# ---------------------------------------------------------------------------------------------
# Public


def _membership_cost(constitution) -> str:
    """What joining costs, from the rulebook's minimum shareholding, for the Join form."""
    shares = constitution.shares
    if shares is None or shares.minimum_holding_pence == 0:
        return "Membership is free."
    pence = shares.minimum_holding_pence
    pounds = f"£{pence // 100:,}" + (f".{pence % 100:02d}" if pence % 100 else "")
    count = pence // shares.nominal_value_pence
    each = shares.nominal_value_pence
    value = f"£{each // 100:,}" + (f".{each % 100:02d}" if each % 100 else "")
    plural = "share" if count == 1 else "shares"
    return f"Membership costs {pounds}: you buy {count:,} {plural} of {value} each."


def _joining_sign_in(request, organisation, email: str):
    """The sign-in a Join form's new member is linked to, or None. Only a person joining
    themselves: never anyone holding a role in the organisation (a secretary adding a member
    through the public form), never a sign-in with a membership here already, and never when
    the form gives an email other than the sign-in's own."""
    user = request.user
    if not user.is_authenticated:
        return None
    if Role.objects.filter(organisation=organisation, user=user).exists():
        return None
    if Member.objects.filter(organisation=organisation, user=user).exists():
        return None  # a sign-in account links to one record per organisation
    own = (user.email or "").strip().lower()
    if own and email and email.strip().lower() != own:
        return None
    return user


def join(request, slug):
    organisation = _organisation(slug)
    constitution = organisation.constitution
    form = JoinForm(request.POST or None, constitution=constitution)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        valid = form.is_valid() and not form.date_errors
        errors = _field_errors(form)
        if valid:
            user = _joining_sign_in(request, organisation, form.details().get("email", ""))
            try:
                member = services.join(
                    organisation,
                    actor=request.user if request.user.is_authenticated else "public",
                    user=user,
                    constituency_id=form.cleaned_data.get("constituency_id") or None,
                    class_id=form.cleaned_data.get("class_id") or "",
                    **form.details(),
                )
            except DuplicateMember:
                errors.append(
                    (
                        "id_display_name",
                        "You may already be a member. Contact the membership office to check"
                        " rather than joining again.",
                    )
                )
            except NotEligible as exc:
                anchor = "id_constituency_id" if "constituency_id" in form.fields else "id_postcode"
                for reason in exc.reasons:
                    errors.append((anchor, reason))
            except MemberError as exc:
                anchor = f"id_{exc.field}" if exc.field in form.fields else "id_display_name"
                errors.append((anchor, str(exc)))
            else:
                request.session["joined_member"] = member.pk
                return redirect("register:join_done", slug=slug)
    field_error = {}
    for anchor, message in errors:
        field_error.setdefault(anchor.removeprefix("id_").removesuffix("_day"), message)
    dates = [("date_of_birth", "Date of birth", "For example, 27 3 1985", "bday")]
    if form.asks_staff:
        dates.append(
            (
                "employment_start",
                "If you work for us, when did you start?",
                "For example, 1 9 2021",
                "",
            )
        )
    if form.asks_service:
        dates.append(
            (
                "last_service_use",
                "When did you last use our services?",
                "For example, 12 1 2026",
                "",
            )
        )
    return render(
        request,
        "register/join.html",
        {
            "form": form,
            "errors": errors,
            "field_error": field_error,
            "parts": DATE_PARTS,
            "dates": [
                {
                    "name": name,
                    "label": label,
                    "hint": hint,
                    "autocomplete": autocomplete,
                    "error": field_error.get(name, ""),
                    **{p: request.POST.get(f"{name}_{p}", "") for p, _, _ in DATE_PARTS},
                }
                for name, label, hint, autocomplete in dates
            ],
            "page_title": ("Error: " if errors else "") + f"Join {organisation.name}",
            "admission_by_board": constitution.membership.admission_by_board,
            "membership_cost": _membership_cost(constitution),
        },
        status=400 if errors else 200,
    )


def join_done(request, slug):
    organisation = _organisation(slug)
    member = get_object_or_404(
        Member, organisation=organisation, pk=request.session.get("joined_member", 0)
    )
    return render(
        request,
        "register/join_done.html",
        {"member": member, "page_title": "Application received"},
    )


@login_required
def my_data(request, slug):
    organisation = _organisation(slug)
    member = get_object_or_404(Member, organisation=organisation, user=request.user)
    return _json_download(services.subject_access(member), f"my-data-{member.number}.json")
