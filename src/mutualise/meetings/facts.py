"""What the rulebook says about one meeting: notice, deadlines and quorum, read live.

The arithmetic itself is `mutualise.constitution.meetings_rules`; this module only gathers the
meeting's facts (its date, kind, the register) and asks it. Two small helpers the rulebook
library lacks live here: the earliest meeting date for a day of notice (the inverse of its
`notice_deadline`), and adding a rulebook `Period` to a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mutualise.constitution.calendar import add_months
from mutualise.constitution.meetings_rules import agm_deadline, notice_deadline, quorum_required
from mutualise.constitution.schema import BodyKind, LegalForm
from mutualise.register import services as register

from .kinds import MeetingKind


def meeting_kinds(constitution) -> list[str]:
    """The kinds of meeting this rulebook provides for. An NHS foundation trust holds an annual
    members' meeting rather than an AGM; only a rulebook with a council of governors has its
    meetings."""
    nhs = constitution.organisation.legal_form == LegalForm.NHS_FOUNDATION_TRUST
    kinds = [MeetingKind.ANNUAL_MEMBERS if nhs else MeetingKind.AGM]
    kinds += [MeetingKind.GENERAL, MeetingKind.SPECIAL]
    if any(body.kind == BodyKind.COUNCIL_OF_GOVERNORS for body in constitution.bodies):
        kinds.append(MeetingKind.COUNCIL_OF_GOVERNORS)
    return [str(kind) for kind in kinds]


def notice_days(meeting) -> int:
    """Clear days' notice the rulebook requires for this kind of meeting."""
    rules = meeting.organisation.constitution.meetings
    return rules.agm.notice_clear_days if meeting.is_annual else rules.general.notice_clear_days


def earliest_meeting_date(notice_on: date, clear_days: int) -> date:
    """The first day a meeting may be held when notice is given on `notice_on`."""
    return notice_on + timedelta(days=clear_days + 1)


def add_period(day: date, period) -> date:
    """A rulebook Period ('1 month', '6 weeks', '28 days') after `day`."""
    if period.unit == "months":
        return add_months(day, period.amount)
    return day + timedelta(days=period.amount * (7 if period.unit == "weeks" else 1))


def members_total(meeting) -> int:
    """Members on the register on the day of the meeting."""
    return register.active_members(meeting.organisation, on=meeting.date).count()


def notice_check(meeting, on: date) -> tuple[bool, str]:
    days = notice_days(meeting)
    latest = notice_deadline(meeting.date, days)
    if on <= latest:
        return True, ""
    consent = meeting.organisation.constitution.meetings.general.shorter_notice_consent
    total = members_total(meeting)
    if (
        not meeting.is_annual
        and consent is not None
        and consent.met(meeting.short_notice_consents, total)
    ):
        return True, (
            f"Shorter notice: {meeting.short_notice_consents} of {total} members agreed in "
            f"writing ({consent} needed)."
        )
    return False, (
        f"The rules need {days} clear days' notice: notice for a meeting on "
        f"{meeting.date:%-d %B %Y} had to be given by {latest:%-d %B %Y}. With notice given on "
        f"{on:%-d %B %Y} the earliest lawful date is "
        f"{earliest_meeting_date(on, days):%-d %B %Y}."
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
