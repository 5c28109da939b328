"""The mechanics every kind of invitation shares: issue a link, find it again from its token,
and claim it once. No audit here: the services that use these (services/roles.py, and the
member-account invitations after them) record what the invitation was for."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from mutualise import clock
from mutualise.audit.services import actor_name

from .models import Invitation
from .tokens import hash_token, new_token


class InvitationError(ValueError):
    """The link cannot be used; the message says why and what to do."""


def lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "MUTUALISE_INVITATION_DAYS", 7))


def make(organisation, *, purpose, email, actor, role_kind="", member=None):
    """Store a new invitation; return it and the token for its link (never stored)."""
    token, digest = new_token()
    now = clock.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        purpose=purpose,
        email=email.strip().lower(),
        role_kind=role_kind,
        member=member,
        token_hash=digest,
        created_at=now,
        expires_at=now + lifetime(),
        sent_by=actor if getattr(actor, "pk", None) else None,
        sent_by_name=actor_name(actor),
    )
    return invitation, token


def find(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation", "member")
        .filter(token_hash=hash_token(token))
        .first()
    )


REFUSALS = {
    "accepted": "This invitation has been used already. Sign in instead.",
    "withdrawn": "This invitation was withdrawn. Ask whoever sent it for a new one.",
    "expired": "This invitation has expired. Ask whoever sent it for a new one.",
}


def may_accept(invitation: Invitation, now=None) -> tuple[bool, str]:
    """(allowed, reason): may this link be used now? Only while open: not used, withdrawn or
    expired. The invitation pages ask this, never the state itself."""
    state = invitation.state(now)
    return (True, "") if state == "open" else (False, REFUSALS[state])


def used_by(invitation: Invitation, user) -> bool:
    """This very sign-in accepted it: the link, used again, takes them to their pages."""
    return (
        invitation.state() == "accepted"
        and invitation.accepted_by_id is not None
        and invitation.accepted_by_id == user.pk
    )


def claim(token: str, user) -> Invitation:
    """Lock the invitation and mark it accepted by `user`, inside the caller's transaction;
    refuse a link that is unknown, used, withdrawn or expired."""
    found = find(token)
    if found is None:
        raise InvitationError("This invitation link is not right. Check it against the email.")
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    invitation.organisation, invitation.member = found.organisation, found.member
    state = invitation.state()
    if state != "open":
        raise InvitationError(REFUSALS[state])
    invitation.accepted_at = clock.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation


def open_invitations(organisation, purpose):
    return Invitation.objects.filter(
        organisation=organisation,
        purpose=purpose,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=clock.now(),
    )
