"""How a member gets a sign-in: the link an invitation or a claim mailed them (make a sign-in,
or use the one they are signed in with), and the claim form (number, date of birth, postcode:
the page says the same whatever was typed)."""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from mutualise.constitution.postcodes import is_valid_postcode
from mutualise.register.forms import _date_from
from mutualise.register.models import Organisation
from mutualise.register.tabular import whole_number

from .. import invitations as mechanics
from .. import services
from ..models import Invitation
from ..services import AccountsError, InvitationError, NotPermitted
from ..services import claims as claim_services
from .member_details import clean_text

BACKEND = "django.contrib.auth.backends.ModelBackend"
DATE_PARTS = [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)]


def _membership_url(invitation) -> str:
    return reverse("membership", args=[invitation.organisation.slug])


def member_invitation(request, token):
    found = services.lookup(token)
    if found is None or found.purpose != Invitation.Purpose.MEMBER_ACCOUNT:
        problem = (
            "This link is not right. Check it against the email, or ask the membership office "
            "for a new one."
        )
        context = {"page_title": "Link not found", "problem": problem}
        return render(request, "accounts/invitation_problem.html", context, status=404)
    if mechanics.used_by(found, request.user):
        return redirect(_membership_url(found))
    usable, refusal = mechanics.may_accept(found)
    if not usable:
        context = {"page_title": "Your sign-in link", "problem": refusal}
        return render(request, "accounts/invitation_problem.html", context, status=410)
    errors, full_name = [], found.member.display_name
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                services.accept(token, user=request.user)
            else:
                full_name = clean_text(request.POST.get("full_name", ""))[:150]
                password = request.POST.get("password", "")
                if password != request.POST.get("password2", ""):
                    raise AccountsError("The two passwords are not the same", field="password")
                user, _ = services.accept_as_new_user(token, password=password, full_name=full_name)
                login(request, user, backend=BACKEND)
        except (AccountsError, InvitationError, NotPermitted) as exc:
            field = getattr(exc, "field", "")
            errors.append(("password" if field == "password" else "main-content", str(exc)))
        else:
            return redirect(_membership_url(found))
    context = {
        "page_title": ("Error: " if errors else "") + "Make your sign-in",
        "invitation": found,
        "organisation": found.organisation,
        "member": found.member,
        "errors": errors,
        "password_error": next((m for a, m in errors if a == "password"), ""),
        "full_name": full_name,
        "login_url": f"{reverse('login')}?next={request.path}",
    }
    return render(
        request, "accounts/member_invitation.html", context, status=400 if errors else 200
    )


def claim(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    errors: list[tuple[str, str]] = []
    values = {k: request.POST.get(k, "") for k in ("number", "postcode")}
    if request.method == "POST":
        number = whole_number(values["number"].strip(), max_digits=15)
        if not number:
            errors.append(("id_number", "Enter your membership number, in figures"))
        try:
            born = _date_from(request.POST, "date_of_birth", "date of birth", True)
        except ValidationError as exc:
            born = None
            errors.append(("id_date_of_birth_day", exc.messages[0]))
        if not is_valid_postcode(values["postcode"]):
            errors.append(("id_postcode", "Enter your postcode, like SW1A 1AA"))
        if not errors:
            try:
                claim_services.request_claim(
                    organisation,
                    number=number,
                    born=born,
                    postcode=values["postcode"],
                    client=request.META.get("REMOTE_ADDR", ""),
                )
            except claim_services.Throttled as exc:
                return render(
                    request,
                    "accounts/claim.html",
                    _claim_context(organisation, [("id_number", str(exc))], values, request),
                    status=429,
                )
            except AccountsError as exc:
                errors.append(("id_number", str(exc)))
            else:
                return redirect("accounts:claim_sent", slug=slug)
    return render(
        request,
        "accounts/claim.html",
        _claim_context(organisation, errors, values, request),
        status=400 if errors else 200,
    )


def _claim_context(organisation, errors, values, request) -> dict:
    field_error = {}
    for anchor, message in errors:
        field_error.setdefault(anchor.removeprefix("id_").removesuffix("_day"), message)
    return {
        "organisation": organisation,
        "errors": errors,
        "field_error": field_error,
        "values": values,
        "parts": DATE_PARTS,
        "born": {
            "name": "date_of_birth",
            "label": "Date of birth",
            "hint": "For example, 27 3 1985",
            "autocomplete": "bday",
            "error": field_error.get("date_of_birth", ""),
            **{p: request.POST.get(f"date_of_birth_{p}", "") for p, _, _ in DATE_PARTS},
        },
        "page_title": ("Error: " if errors else "") + "Get a sign-in for your membership",
    }


def claim_sent(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(
        request,
        "accounts/claim_sent.html",
        {"organisation": organisation, "page_title": "Check your email"},
    )
