"""An organisation's roles page, for its administrators: who holds which role (revoke buttons),
the invitations still open (withdraw buttons), and a form to invite someone to a role by email.
Every change goes through accounts.services, which checks the permission again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from rules import has_perm

from mutualise.register.models import Organisation, Role
from mutualise.register.tabular import whole_number

from .. import services
from ..invitations import open_invitations
from ..labels import ROLE_DUTIES, ROLE_NAMES, role_name
from ..models import Invitation


def roles(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_perm("register.manage_roles", user, organisation):
        raise PermissionDenied(
            f"Only an administrator of {organisation.name} can manage its roles."
        )
    errors, field_errors = [], {}
    email, kind = "", ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "invite":
                email, kind = request.POST.get("email", "")[:254], request.POST.get("role", "")
                # The link is built from MUTUALISE_SITE_URL, never the request's Host header.
                services.invite_to_role(organisation, email=email, kind=kind, actor=user)
                messages.success(request, f"Invitation sent to {email.strip().lower()}")
                return redirect("accounts:roles", slug=slug)
            if action == "revoke":
                role = get_object_or_404(
                    Role, organisation=organisation, pk=_number(request.POST.get("role_id"))
                )
                services.revoke_role(role, actor=user)
                messages.success(
                    request,
                    f"{role.user.get_username()} is no longer {role_name(role.kind).lower()}",
                )
                return redirect("accounts:roles", slug=slug)
            if action == "withdraw":
                invitation = get_object_or_404(
                    Invitation,
                    organisation=organisation,
                    pk=_number(request.POST.get("invitation_id")),
                )
                services.withdraw(invitation, actor=user)
                messages.success(request, f"The invitation to {invitation.email} is withdrawn")
                return redirect("accounts:roles", slug=slug)
            errors.append(("email", "Choose what to do"))
        except services.AccountsError as exc:
            for field, message in exc.problems:
                anchor = {"email": "email", "role": "role"}.get(field, "email")
                field_errors.setdefault(field or "email", message)
                errors.append((anchor, message))
    invitations = list(
        open_invitations(organisation, Invitation.Purpose.ROLE).order_by("email", "role_kind")
    )
    for invitation in invitations:
        invitation.role_name = role_name(invitation.role_kind)
    context = {
        "holdings": services.role_holders(organisation),
        "invitations": invitations,
        "role_choices": [(k.value, ROLE_NAMES[k], ROLE_DUTIES[k]) for k in ROLE_NAMES],
        "email": email,
        "kind": kind,
        "errors": errors,
        "field_errors": field_errors,
        "page_title": ("Error: " if errors else "") + "Roles",
    }
    return render(request, "accounts/roles.html", context, status=400 if errors else 200)


def _number(value) -> int:
    return whole_number(value or "", max_digits=11) or 0  # isdigit() alone lets '²' through
