"""Moving a meeting through its states: call, open, adjourn, close, cancel."""

from __future__ import annotations

from django.db import transaction

from mutualise.audit import services as audit

from ..lifecycle import (
    MEETING_TRANSITIONS,
    check,
)
from ..models import Meeting
from .common import MeetingError, _now, _today
from .minutes import draft_minutes


def _transition(given: Meeting, name: str, actor, now, **data) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=given.pk)
        allowed, reason = check(MEETING_TRANSITIONS, meeting, name, now)
        if not allowed:
            raise MeetingError(reason)
        meeting.state = MEETING_TRANSITIONS[name].target
        meeting.save(update_fields=["state"])
        audit.record(
            meeting.organisation, f"meeting.{name}", actor=actor, subject=meeting, data=data
        )
    given.refresh_from_db()
    return given


def call_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    """Give notice: the agenda is fixed and the notice date recorded. Refused (saying the
    earliest lawful date) when too little notice is left, unless members consented to less."""
    on = _today(now)
    meeting = _transition(meeting, "call", actor, now, notice_given_on=on.isoformat())
    meeting.notice_given_on = on
    meeting.save(update_fields=["notice_given_on"])
    return meeting


def record_short_notice_consents(meeting: Meeting, count: int, *, actor=None) -> Meeting:
    with transaction.atomic():
        meeting.short_notice_consents = count
        meeting.save(update_fields=["short_notice_consents"])
        audit.record(
            meeting.organisation,
            "meeting.short_notice_consents",
            actor=actor,
            subject=meeting,
            data={"consents": count},
        )
    return meeting


def open_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    meeting = _transition(meeting, "open", actor, now)
    if meeting.opened_at is None:
        meeting.opened_at = _now(now)
        meeting.save(update_fields=["opened_at"])
    return meeting


def adjourn_meeting(meeting: Meeting, *, for_quorum: bool = False, actor=None, now=None) -> Meeting:
    meeting = _transition(meeting, "adjourn", actor, now, for_quorum=for_quorum)
    if for_quorum:
        meeting.adjourned_for_quorum = True
        meeting.save(update_fields=["adjourned_for_quorum"])
    return meeting


def close_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    meeting = _transition(meeting, "close", actor, now)
    meeting.closed_at = _now(now)
    meeting.save(update_fields=["closed_at"])
    draft_minutes(meeting, actor=actor, now=now)
    return meeting


def cancel_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    return _transition(meeting, "cancel", actor, now)
