"""What the meeting verbs share: the error, the clock, who is a member."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from mutualise import clock
from mutualise.register import services as register
from mutualise.register.models import Member

from .. import mixing

DISCRETION = "discretion"
Acknowledgement = mixing.Acknowledgement
receipt_hash = mixing.receipt_hash


class MeetingError(ValueError):
    """A request the rulebook or the meeting's state does not allow; the message says why."""


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _today(now: datetime | None) -> date:
    return timezone.localtime(_now(now)).date()


def _is_member(organisation, member, on: date) -> bool:
    return register.active_members(organisation, on=on).filter(pk=member.pk).exists()


def _require_member(organisation, member, on: date, who: str = "") -> None:
    if member.organisation_id != organisation.pk or not _is_member(organisation, member, on):
        raise MeetingError(f"{who or member} is not a member of {organisation} on {on:%-d %B %Y}")


def member_for(user, organisation):
    """The signed-in user's membership of this organisation, or None."""

    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(organisation=organisation, user=user).first()
