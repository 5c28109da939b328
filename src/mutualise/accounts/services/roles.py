"""Granting and revoking an organisation's roles, by email invitation.

`invite_to_role` sends a single-use link (mail.send, on commit); accepting it (invitations.accept)
grants the role through the register, after the independence rules (independence.py) are
checked for the person accepting. `revoke_role` ends one. Only the organisation's
administrators may do either (errors.require_role_manager); every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.mail import services as mail
from mutualise.register import services as register
from mutualise.register.models import Role

from .. import invitations as mechanics
from ..independence import grant_refusals
from ..labels import ROLE_DUTIES, ROLE_NAMES, role_name
from ..models import Invitation
from .errors import AccountsError, require_role_manager
from .invitations import ACCEPT


def site_url() -> str:
    return getattr(settings, "MUTUALISE_SITE_URL", "http://localhost:8000").rstrip("/")


def invitation_link(token: str, base: str | None = None) -> str:
    return f"{(base or site_url()).rstrip('/')}{reverse('accounts:invitation', args=[token])}"


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountsError(
            "Enter an email address in the right format, like name@example.org", field="email"
        ) from None
    return email


def _clean_kind(kind: str) -> str:
    if kind not in Role.Kind.values:
        raise AccountsError(
            f"Choose a role: {', '.join(ROLE_NAMES[k] for k in Role.Kind)}", field="role"
        )
    return kind


def invite_to_role(organisation, *, email: str, kind: str, actor, base_url: str | None = None):
    """Send `email` a link that grants `kind` in `organisation` to whoever accepts it.

    Refused if that address's sign-in already holds the role or may not hold it with the roles
    it has (the independence rules, checked again when the link is accepted). An earlier open
    invitation to the same address for the same role is withdrawn: only the newest link works.
    Returns the invitation; the token travels only in the mail.
    """
    require_role_manager(actor, organisation)
    problems = []
    for clean, value in ((_clean_email, email), (_clean_kind, kind)):
        try:
            clean(value)
        except AccountsError as exc:
            problems.append((exc.field, str(exc)))
    if problems:  # every problem with the form at once, not one per try
        (field, message), *also = problems
        raise AccountsError(message, field=field, also=also)
    email, kind = _clean_email(email), _clean_kind(kind)
    for user in get_user_model().objects.filter(email__iexact=email):
        if Role.objects.filter(organisation=organisation, user=user, kind=kind).exists():
            raise AccountsError(f"{email} is {role_name(kind).lower()} already.", field="email")
        refusals = grant_refusals(organisation, user, kind)
        if refusals:
            raise AccountsError(" ".join(refusals), field="role")
    with transaction.atomic():
        replaced = list(
            mechanics.open_invitations(organisation, Invitation.Purpose.ROLE)
            .filter(email=email, role_kind=kind)
            .values_list("pk", flat=True)
        )
        Invitation.objects.filter(pk__in=replaced).update(withdrawn_at=clock.now())
        invitation, token = mechanics.make(
            organisation,
            purpose=Invitation.Purpose.ROLE,
            email=email,
            actor=actor,
            role_kind=kind,
        )
        audit.record(
            organisation,
            "role.invited",
            actor=actor,
            subject=invitation,
            data={"role": kind, "invitation": invitation.pk, "replaces": replaced},
        )
        mail.send(
            organisation=organisation,
            to=email,
            template="accounts/role_invitation",
            context={
                "role": role_name(kind),
                "duties": ROLE_DUTIES.get(kind, ""),
                "sender": audit.actor_name(actor),
                "expires_at": invitation.expires_at,
            },
            secrets={"link": invitation_link(token, base_url)},  # the outbox keeps no token
            reason="role invitation",
        )
    return invitation


def _accept_role(invitation, user) -> Role:
    organisation, kind = invitation.organisation, invitation.role_kind
    refusals = grant_refusals(organisation, user, kind)
    if refusals:
        raise AccountsError(" ".join(refusals))
    return register.grant_role(organisation, user, kind, actor=user, invited=True)


ACCEPT[Invitation.Purpose.ROLE] = _accept_role


def grant_problems(organisation, user, kind: str) -> list[str]:
    """Why `user` may not be given `kind` now (independence rules); empty if they may."""
    return grant_refusals(organisation, user, kind)


def revoke_role(role: Role, *, actor, reason: str = "") -> None:
    """End a role. The last administrator's role is kept: someone must be able to grant roles."""
    organisation = role.organisation
    require_role_manager(actor, organisation)
    with transaction.atomic():
        locked = Role.objects.select_for_update().filter(pk=role.pk).first()
        if locked is None:
            return
        if locked.kind == Role.Kind.ADMINISTRATOR:
            others = Role.objects.filter(organisation=organisation, kind=locked.kind).exclude(
                pk=locked.pk
            )
            if not others.exists():
                raise AccountsError(
                    f"{locked.user.get_username()} is the only administrator of "
                    f"{organisation.name}: invite another administrator first."
                )
        audit.record(
            organisation,
            "role.revoked",
            actor=actor,
            subject=locked,
            data={"user": locked.user.get_username(), "role": locked.kind, "reason": reason[:200]},
        )
        locked.delete()


@dataclass(frozen=True)
class Holding:
    role: Role
    name: str
    duties: str


def role_holders(organisation) -> list[Holding]:
    """Who holds which role, by role (administrators first), then by name."""
    order = list(ROLE_NAMES)
    roles = Role.objects.filter(organisation=organisation).select_related("user")
    ranked = sorted(
        roles, key=lambda r: (order.index(r.kind) if r.kind in order else 99, r.user.get_username())
    )
    return [Holding(r, role_name(r.kind), ROLE_DUTIES.get(r.kind, "")) for r in ranked]
