"""What every participation service shares: the error, the clock, who may act, transitions."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from rules import has_perm

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.register import services as register
from mutualise.register.models import Member

from ..lifecycle import Transition, check

TITLE_LENGTH = 200  # the title columns' length (models.py)


class ParticipationError(ValueError):
    """A request the rulebook, the state or the person's role does not allow; says why."""


def now_or(now: datetime | None) -> datetime:
    return now or clock.now()


def today(now: datetime | None) -> date:
    return timezone.localtime(now_or(now)).date()


def require(actor, perm: str, organisation, doing: str) -> None:
    """Refuse a signed-in user without the permission. An actor that is not a user (None, or
    a name) is the system itself: the command line run by the operator, or a task."""
    # rules' has_perm, never the superuser shortcut of user.has_perm: roles are per organisation
    if hasattr(actor, "has_perm") and not has_perm(perm, actor, organisation):
        raise ParticipationError(f"{actor} may not {doing} in {organisation}")


def require_self(actor, member, doing: str) -> None:
    """A member acts for themself: a signed-in user only as the member whose sign-in they are
    (supporting, voting, proposing, withdrawing). An actor that is not a user is the system."""
    if hasattr(actor, "has_perm") and (member.user_id is None or member.user_id != actor.pk):
        raise ParticipationError(f"{actor} may {doing} only as themself")


def require_member(organisation, member, now=None) -> None:
    if (
        member.organisation_id != organisation.pk
        or not register.active_members(organisation, on=today(now)).filter(pk=member.pk).exists()
    ):
        raise ParticipationError(f"{member} is not a member of {organisation}")


def member_for(user, organisation):
    """The signed-in user's membership of this organisation, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(organisation=organisation, user=user).first()


def move(
    model, given, transitions: tuple[Transition, ...], name: str, facts_of, actor, now, **data
):
    """Run transition `name` on `given` (a Budget or Proposal) in one locked transaction."""
    transition = next(t for t in transitions if t.name == name)
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=given.pk)
        allowed, reason = check(transition, facts_of(obj, now_or(now)))
        if not allowed:
            raise ParticipationError(reason)
        obj.state = transition.target
        obj.save(update_fields=["state"])
        audit.record(obj.organisation, transition.audit_action, actor=actor, subject=obj, data=data)
    given.refresh_from_db()
    return given
