"""Moving a meeting through its states: call, open, adjourn, close, cancel."""

from __future__ import annotations

from django.db import transaction

from mutualise.audit import services as audit

from .. import facts
from ..lifecycle import MEETING_TRANSITIONS, MeetingState, check
from ..models import Meeting
from .common import MeetingError, _now, _today, require
from .minutes import _draft


def _transition(given: Meeting, name: str, actor, now, effects=None, **data) -> Meeting:
    """One locked transaction: the meeting's row locked, its state checked, the transition and
    its effects (`effects(meeting)` sets fields on the locked row and returns their names; it
    may write more rows) written, and the audit event, or nothing at all. Giving notice is
    `meetings.call_meeting`; the other moves are the chair's console (`meetings.run_meeting`)."""
    permission = "meetings.call_meeting" if name == "call" else "meetings.run_meeting"
    require(permission, actor, given.organisation)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=given.pk)
        allowed, reason = check(MEETING_TRANSITIONS, facts.meeting_facts(meeting, now), name)
        if not allowed:
            raise MeetingError(reason)
        meeting.state = MEETING_TRANSITIONS[name].target
        changed = effects(meeting) if effects is not None else []
        meeting.save(update_fields=["state", *changed])
        audit.record(
            meeting.organisation, f"meeting.{name}", actor=actor, subject=meeting, data=data
        )
    given.refresh_from_db()
    return given


def call_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    """Give notice: the agenda is fixed and the notice date recorded. Refused (saying the
    earliest lawful date) when too little notice is left, unless members consented to less."""
    on = _today(now)

    def effects(locked: Meeting) -> list[str]:
        locked.notice_given_on = on
        return ["notice_given_on"]

    return _transition(meeting, "call", actor, now, effects, notice_given_on=on.isoformat())


def record_short_notice_consents(meeting: Meeting, count: int, *, actor=None) -> Meeting:
    """The members who agreed in writing to shorter notice (the rulebook's
    `meetings.general.shorter_notice_consent`), recorded before the meeting is called."""
    require("meetings.call_meeting", actor, meeting.organisation)
    if count < 0:
        raise MeetingError("consents: a number of members, 0 or more")
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.state != MeetingState.DRAFT:
            raise MeetingError("consents to shorter notice are recorded before notice is given")
        locked.short_notice_consents = count
        locked.save(update_fields=["short_notice_consents"])
        audit.record(
            locked.organisation,
            "meeting.short_notice_consents",
            actor=actor,
            subject=locked,
            data={"consents": count},
        )
    meeting.refresh_from_db()
    return meeting


def open_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    def effects(locked: Meeting) -> list[str]:
        if locked.opened_at is not None:
            return []
        locked.opened_at = _now(now)
        return ["opened_at"]

    return _transition(meeting, "open", actor, now, effects)


def adjourn_meeting(meeting: Meeting, *, for_quorum: bool = False, actor=None, now=None) -> Meeting:
    def effects(locked: Meeting) -> list[str]:
        if not for_quorum:
            return []
        locked.adjourned_for_quorum = True
        return ["adjourned_for_quorum"]

    return _transition(meeting, "adjourn", actor, now, effects, for_quorum=for_quorum)


def close_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    """Close the meeting and draft its minutes, in one transaction."""

    def effects(locked: Meeting) -> list[str]:
        locked.closed_at = _now(now)
        locked.save(update_fields=["closed_at", "state"])
        _draft(locked, actor=actor, now=now)
        return []

    return _transition(meeting, "close", actor, now, effects)


def cancel_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    return _transition(meeting, "cancel", actor, now)
