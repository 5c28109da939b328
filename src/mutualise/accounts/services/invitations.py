"""Accepting an invitation (any purpose) and withdrawing one.

What accepting does depends on the invitation's purpose: each purpose's module registers its
effect in ACCEPT (roles.py: grant the role). The effect runs in the same transaction as the
claim, so a refused effect (an independence rule, say) leaves the link unused.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rules import has_perm

from mutualise import clock
from mutualise.audit import services as audit

from .. import invitations as mechanics
from ..models import Invitation
from .errors import AccountsError, InvitationError, NotPermitted, require_role_manager

# purpose -> effect(invitation, user) -> what it made (a Role, a Member, ...)
ACCEPT: dict[str, Callable] = {}


def lookup(token: str) -> Invitation | None:
    """The invitation a link's token is for (any state), or None."""
    return mechanics.find(token)


def accept(token: str, *, user):
    """Accept an invitation as the signed-in `user`: mark it used and do what it was for."""
    if not getattr(user, "is_authenticated", False):
        raise NotPermitted("Sign in, or create your sign-in, to accept this invitation.")
    found = mechanics.find(token)
    refusal = wrong_person(found, user) if found and found.state() == "open" else ""
    if refusal:
        with transaction.atomic():  # a forwarded or leaked link tried: on the record
            audit.record(
                found.organisation,
                "invitation.refused",
                actor=user,
                subject=found,
                data={"purpose": found.purpose, "role": found.role_kind, "why": "wrong person"},
            )
        raise NotPermitted(refusal)
    with transaction.atomic():
        invitation = mechanics.claim(token, user)
        return _apply(invitation, user)


def _addresses(user) -> set[str]:
    return {
        (value or "").strip().lower()
        for value in (getattr(user, "email", ""), user.get_username())
        if value and "@" in value
    }


def wrong_person(invitation, user) -> str:
    """Why `user` may not accept this role invitation, or "" if they may: it is bound to the
    address it was sent to, so only a sign-in with that address (or one made from the link for
    it, accept_as_new_user) accepts it; a forwarded or leaked link is refused to anyone else."""
    if invitation.purpose != Invitation.Purpose.ROLE or not getattr(user, "is_authenticated", 0):
        return ""
    if invitation.email.strip().lower() in _addresses(user):
        return ""
    return (
        f"This invitation was sent to {_mask(invitation.email)}, and you are signed in as "
        f"{user.get_username()}. Only the person it was sent to can accept it: sign out, then "
        "sign in with that address (or make a sign-in for it from this link)."
    )


def _mask(email: str) -> str:
    """s•••@example.org: enough for the right person to recognise, not to harvest."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def _apply(invitation, user):
    effect = ACCEPT.get(invitation.purpose)
    if effect is None:
        raise InvitationError("This kind of invitation cannot be accepted here yet.")
    made = effect(invitation, user)
    audit.record(
        invitation.organisation,
        "invitation.accepted",
        actor=user,
        subject=invitation,
        data={"purpose": invitation.purpose, "role": invitation.role_kind},
    )
    return made


def accept_as_new_user(token: str, *, password: str, full_name: str = ""):
    """Create a sign-in for the address the invitation went to, then accept it as that user.
    Returns (user, what accepting made)."""
    found = mechanics.find(token)
    if found is None or found.state() != "open":
        state = found.state() if found else ""
        raise InvitationError(mechanics.REFUSALS.get(state, "This invitation link is not right."))
    User = get_user_model()
    email = found.email
    if User.objects.filter(username__iexact=email).exists():
        raise AccountsError(
            f"There is already a sign-in for {email}: sign in with it to accept.", field="password"
        )
    name = (full_name or "").replace("\x00", "")  # PostgreSQL text cannot hold NUL
    candidate = User(username=email, email=email, first_name=" ".join(name.split())[:150])
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise AccountsError(" ".join(exc.messages), field="password") from None
    taken = AccountsError(
        f"There is already a sign-in for {email}: sign in with it to accept.", field="password"
    )
    with transaction.atomic():
        candidate.set_password(password)
        try:
            with transaction.atomic():  # another request (a double click) made it meanwhile
                candidate.save()
        except IntegrityError:
            raise taken from None
        invitation = mechanics.claim(token, candidate)
        audit.record(
            invitation.organisation,
            "account.created",
            actor=candidate,
            subject=invitation,
            data={"user_id": candidate.pk, "from": "invitation"},
        )
        made = _apply(invitation, candidate)
    return candidate, made


def _require_withdrawer(actor, invitation) -> None:
    if invitation.purpose == Invitation.Purpose.ROLE:
        require_role_manager(actor, invitation.organisation)
    elif not (actor is None or isinstance(actor, str)) and not has_perm(
        "register.manage_members", actor, invitation.organisation
    ):
        raise NotPermitted("Only the membership secretary can withdraw this invitation.")


def withdraw(invitation: Invitation, *, actor) -> Invitation:
    """Withdraw an invitation not yet accepted: its link stops working."""
    _require_withdrawer(actor, invitation)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at:
            raise AccountsError("That invitation has been accepted already: revoke the role.")
        if locked.withdrawn_at is None:
            locked.withdrawn_at = clock.now()
            locked.save(update_fields=["withdrawn_at"])
            audit.record(
                locked.organisation,
                "invitation.withdrawn",
                actor=actor,
                subject=locked,
                data={"purpose": locked.purpose, "role": locked.role_kind},
            )
    return locked
