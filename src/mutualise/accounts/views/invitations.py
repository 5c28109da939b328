"""The page an invitation link opens: what it is for, then accept it (signed in) or make a
sign-in for the invited address and accept in one step. Under /accounts/, so a signed-in
officer not yet past the second factor can still reach it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import invitations as mechanics
from .. import services
from ..labels import ROLE_DUTIES, role_name
from ..models import Invitation
from ..services import AccountsError, InvitationError, NotPermitted

# Where a new holder of each role starts.
LANDING = {
    "officer": "register:members",
    "returning_officer": "elections:list",
    "chair": "meetings:list",
    "board": "meetings:list",
    "administrator": "accounts:roles",
}
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _landing(invitation) -> str:
    name = LANDING.get(invitation.role_kind)
    if name:
        return reverse(name, args=[invitation.organisation.slug])
    return reverse("organisation", args=[invitation.organisation.slug])


def invitation(request, token):
    found = services.lookup(token)
    if found is None:
        context = {
            "page_title": "Invitation not found",
            "problem": (
                "This invitation link is not right. Check it against the email, or ask whoever "
                "sent it for a new one."
            ),
        }
        return render(request, "accounts/invitation_problem.html", context, status=404)
    if mechanics.used_by(found, request.user):
        return redirect(_landing(found))  # their own link, used: take them to their pages
    usable, refusal = mechanics.may_accept(found)
    if not usable:
        context = {"page_title": "Invitation", "invitation": found, "problem": refusal}
        return render(request, "accounts/invitation_problem.html", context, status=410)
    errors, password_error, full_name = [], "", ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "accept":
                services.accept(token, user=request.user)
            elif action == "create" and not request.user.is_authenticated:
                full_name = request.POST.get("full_name", "")[:150]
                password = request.POST.get("password", "")
                if password != request.POST.get("password2", ""):
                    raise AccountsError("The two passwords are not the same", field="password")
                user, _ = services.accept_as_new_user(token, password=password, full_name=full_name)
                login(request, user, backend=BACKEND)
            else:
                raise AccountsError("Choose accept, or make your sign-in first")
        except (AccountsError, InvitationError, NotPermitted) as exc:
            if getattr(exc, "field", "") == "password":
                password_error = str(exc)
            errors.append(("password" if password_error else "main-content", str(exc)))
        else:
            found.refresh_from_db()
            if found.purpose == Invitation.Purpose.ROLE:
                messages.success(
                    request,
                    f"You are now {role_name(found.role_kind).lower()} of "
                    f"{found.organisation.name}",
                )
            return redirect(_landing(found))
    user = request.user
    wrong_person = services.wrong_person(found, user)
    problems = []
    if user.is_authenticated and found.purpose == Invitation.Purpose.ROLE and not wrong_person:
        problems = services.grant_problems(found.organisation, user, found.role_kind)
    context = {
        "page_title": "Invitation",
        "invitation": found,
        "organisation": found.organisation,
        "role": role_name(found.role_kind),
        "duties": ROLE_DUTIES.get(found.role_kind, ""),
        "errors": errors,
        "password_error": password_error,
        "full_name": full_name,
        "problems": problems,
        "wrong_person": wrong_person,
        "login_url": f"{reverse('login')}?next={request.path}",
    }
    return render(
        request,
        "accounts/invitation.html",
        context,
        status=403 if wrong_person else 400 if errors else 200,
    )
