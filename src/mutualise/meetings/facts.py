"""What the rulebook says about one meeting: notice, deadlines and quorum, read live; and the
facts snapshots the lifecycle's pure guards read (`meeting_facts`, `resolution_facts`, ...).

The arithmetic itself is `mutualise.constitution.meetings_rules`; this module only gathers the
meeting's facts (its date, kind, the register) and asks it. Two small helpers the rulebook
library lacks live here: the earliest meeting date for a day of notice (the inverse of its
`notice_deadline`), and adding a rulebook `Period` to a date (by `calendar.add_period`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from mutualise import clock
from mutualise.constitution import calendar
from mutualise.constitution.meetings_rules import agm_deadline, notice_deadline, quorum_required
from mutualise.register import services as register

from . import lifecycle
from .lifecycle import MeetingState, ResolutionState


def meeting_kinds(constitution) -> list[str]:
    """The kinds of meeting this rulebook provides for (`meetings.kinds`)."""
    return [kind.id for kind in constitution.meeting_kinds()]


def notice_days(meeting) -> int:
    """Clear days' notice the rulebook requires for this kind of meeting."""
    rule = meeting.kind_rule()
    if rule.notice_clear_days is not None:
        return rule.notice_clear_days
    rules = meeting.organisation.constitution.meetings
    return (rules.agm if rule.annual else rules.general).notice_clear_days


def earliest_meeting_date(notice_on: date, clear_days: int) -> date:
    """The first day a meeting may be held when notice is given on `notice_on`."""
    return notice_on + timedelta(days=clear_days + 1)


def add_period(day: date, period) -> date:
    """A rulebook Period ('28 days', '6 weeks', '1 month', '1 year') after `day`."""
    return calendar.add_period(day, period.amount, period.unit)


def members_total(meeting) -> int:
    """Members on the register on the day of the meeting."""
    return register.active_members(meeting.organisation, on=meeting.date).count()


def notice_check(meeting, on: date) -> tuple[bool, str]:
    """Whether notice given on `on` is lawful for this meeting, and why (the `call` guard)."""
    return lifecycle.notice_verdict(_with_notice(meeting, on))


def _with_notice(meeting, on: date, **known) -> lifecycle.MeetingFacts:
    days = notice_days(meeting)
    latest = notice_deadline(meeting.date, days)
    consent = meeting.organisation.constitution.meetings.general.shorter_notice_consent
    total, met = 0, False
    if on > latest:  # too late: the register's size says whether the consents suffice
        total = members_total(meeting)
        met = consent is not None and consent.met(meeting.short_notice_consents, total)
    return lifecycle.MeetingFacts(
        state=meeting.state,
        today=on,
        meeting_date=meeting.date,
        notice_days=days,
        notice_latest=latest,
        is_annual=meeting.is_annual,
        consent_rule=str(consent) if consent is not None else "",
        consent_met=met,
        short_notice_consents=meeting.short_notice_consents,
        members_total=total,
        **known,
    )


def _local_day(now: datetime | None) -> date:
    return timezone.localtime(now or clock.now()).date()


def meeting_facts(meeting, now: datetime | None = None) -> lifecycle.MeetingFacts:
    """The snapshot the meeting's transitions read: only what the current state's guards need
    (the notice while a draft, open votes in session, declarations before the meeting)."""
    today = _local_day(now)
    state = meeting.state
    resolutions = meeting.resolutions
    declared = 0
    if state in (MeetingState.DRAFT, MeetingState.CALLED):
        declared = resolutions.filter(state=ResolutionState.DECLARED).count()
    votes_open = 0
    if state == MeetingState.IN_SESSION:
        votes_open = resolutions.filter(state=ResolutionState.OPEN).count()
    if state == MeetingState.DRAFT:
        return _with_notice(meeting, today, declared=declared)
    return lifecycle.MeetingFacts(
        state=state,
        today=today,
        meeting_date=meeting.date,
        votes_open=votes_open,
        declared=declared,
    )


def resolution_facts(resolution, now: datetime | None = None) -> lifecycle.ResolutionFacts:
    """The snapshot the resolution's transitions read: the meeting's state, another open vote,
    the quorum and the confirmed resolution, read only when a vote could open."""
    meeting = resolution.meeting
    if resolution.state != ResolutionState.PROPOSED or meeting.state != MeetingState.IN_SESSION:
        return lifecycle.ResolutionFacts(state=resolution.state, meeting_state=meeting.state)
    others = meeting.resolutions.filter(state=ResolutionState.OPEN).exclude(pk=resolution.pk)
    state = quorum(meeting)
    return lifecycle.ResolutionFacts(
        state=resolution.state,
        meeting_state=meeting.state,
        other_vote_open=others.exists(),
        quorum_present=state.present,
        quorum_required=state.required,
        confirms=resolution.confirms_id is not None,
        confirms_carried=bool(resolution.confirms_id) and resolution.confirms.carried is True,
    )


def agm_due_by(meeting) -> date | None:
    """The AGM deadline for this meeting's financial year, from the year end and previous AGM."""
    if not meeting.is_annual or meeting.financial_year is None:
        return None
    previous = (
        type(meeting)
        .objects.filter(
            organisation=meeting.organisation,
            kind=meeting.kind,
            state="closed",
            starts_at__lt=meeting.starts_at,
        )
        .order_by("-starts_at")
        .first()
    )
    return agm_deadline(
        meeting.organisation.constitution,
        meeting.financial_year,
        previous.date if previous else None,
    )


@dataclass(frozen=True)
class QuorumState:
    present: int
    required: int
    members_total: int

    @property
    def quorate(self) -> bool:
        return self.present >= self.required

    def __str__(self) -> str:
        word = "quorate" if self.quorate else "inquorate"
        return f"{self.present} present of {self.members_total} members; {self.required} needed ({word})"


def present_count(meeting) -> int:
    """Members checked in, in person or online, and not gone."""
    return meeting.attendances.filter(checked_in_at__isnull=False, left_at__isnull=True).count()


def quorum(meeting) -> QuorumState:
    rules = meeting.organisation.constitution.meetings
    total = members_total(meeting)
    required = quorum_required(rules, total)
    if meeting.adjourned_for_quorum and rules.quorum_inquorate == "adjourn-then-present-are-quorum":
        required = 1  # at the adjourned meeting, the members present are a quorum
    return QuorumState(present_count(meeting), required, total)


def requisition_facts(requisition, on: date, *, meeting=None, by_members=()):
    """The snapshot a requisition's transitions read: its counts and deadlines; convening, the
    meeting's date and how many of the members convening it are members on `on`."""
    rules = requisition.organisation.constitution.meetings.requisition
    conveners = 0
    if by_members:
        active = register.active_members(requisition.organisation, on=on)
        conveners = active.filter(pk__in={m.pk for m in by_members}).count()
    return lifecycle.RequisitionFacts(
        state=requisition.state,
        today=on,
        valid_signatures=requisition.valid_signatures or 0,
        signatures_needed=requisition.signatures_needed or 0,
        board_deadline=requisition.board_deadline,
        meeting_deadline=requisition.meeting_deadline,
        meeting_date=meeting.date if meeting is not None else None,
        members_may_convene=rules.otherwise_convened_by_members if rules else None,
        conveners=conveners,
    )


def motion_facts(motion) -> lifecycle.MotionFacts:
    return lifecycle.MotionFacts(
        state=motion.state,
        meeting_state=motion.meeting.state,
        supporters=motion.supporters.count(),
        supporters_needed=motion.meeting.motion_supporters_required,
    )


def minutes_facts(minutes, at_meeting=None) -> lifecycle.MinutesFacts:
    """The snapshot the minutes' transitions read; approving, the meeting approving them."""
    if at_meeting is None or minutes.state != lifecycle.MinutesState.DRAFT:
        return lifecycle.MinutesFacts(state=minutes.state, chair_named=bool(minutes.chair_name))
    later = (
        at_meeting.organisation_id == minutes.organisation_id
        and at_meeting.starts_at > minutes.meeting.starts_at
    )
    in_session = at_meeting.state == MeetingState.IN_SESSION
    state = quorum(at_meeting) if later and in_session else None
    return lifecycle.MinutesFacts(
        state=minutes.state,
        chair_named=bool(minutes.chair_name),
        at_later_meeting=later,
        at_meeting_in_session=in_session,
        at_meeting_quorum=str(state) if state else "",
        at_meeting_quorate=bool(state and state.quorate),
    )


def open_to_public(meeting) -> bool:
    """The rulebook's `meetings.agm.open_to_public`: the public may attend the AGM (as
    observers; only members vote). Other meetings are governed by the members' rules alone."""
    return meeting.is_annual and meeting.organisation.constitution.meetings.agm.open_to_public


def attendance_words(meeting) -> str:
    """What the AGM's notice and page say about who may attend."""
    if open_to_public(meeting):
        return "Members of the public may attend as observers; only members may vote."
    return "The meeting is for members and their proxies; the public may not attend."
