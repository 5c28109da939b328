"""Checks on general meetings (MTG-*): the AGM held in time, notice, quorum, requisitions,
and resolutions declared carried on the numbers their kind needs."""

from __future__ import annotations

from datetime import date

from mutualise.constitution.calendar import add_months, add_period, year_end_in
from mutualise.constitution.meetings_rules import (
    notice_deadline,
    quorum_required,
    resolution_passes,
)
from mutualise.constitution.schema import Constitution, LegalForm, NotFound

from .model import Facts, Finding, MeetingHeld, Severity, day, plural

# Meetings, resolutions and requisitions held more than a year ago (by the calendar: before
# this day a year ago, 29 February's being 28 February) are history, not health.
LOOKBACK_YEARS = 1


def _annual(c: Constitution) -> tuple[str, str, str] | None:
    """(meeting kind, its name, the source that requires it) for the rulebook's annual
    meeting (the kind with `annual: true` in `meetings.kinds`), or None if it has none."""
    rule = c.annual_meeting()
    if rule is None:
        return None
    return rule.id, rule.called(), rule.source or f"meetings.kinds.{rule.id}"


def agm_due(c: Constitution, f: Facts) -> tuple[date, date, str] | None:
    """The latest AGM deadline that has passed since the organisation was founded, as
    (deadline, the date it runs from, what that date is), or None if none has passed yet."""
    rules = c.meetings.agm
    annual = _annual(c)
    if annual is None:
        return None
    kind, name, _ = annual
    held = sorted(m.held_on for m in f.meetings if m.kind == kind)
    candidates = []
    if rules.within_months_of_year_end is not None:
        year_end = c.organisation.financial_year_end
        for year in range(f.today.year, f.founded_on.year - 1, -1):
            end = year_end_in(year, year_end.day, year_end.month)
            deadline = add_months(end, rules.within_months_of_year_end)
            if end >= f.founded_on and deadline < f.today:
                candidates.append((deadline, end, f"the year end {day(end)}"))
                break
    if rules.within_months_of_previous is not None:
        previous = held[-1] if held else f.founded_on
        deadline = add_months(previous, rules.within_months_of_previous)
        if deadline < f.today:
            what = f"the last {name} on {day(previous)}" if held else f"founding ({day(previous)})"
            candidates.append((deadline, previous, what))
    return max(candidates) if candidates else None


def agm_held(c: Constitution, f: Facts) -> list[Finding]:
    """MTG-1 (MTG-7 for an NHS foundation trust): no annual meeting within the rulebook's time
    of the year end (or of the previous one)."""
    due = agm_due(c, f)
    if due is None:
        return []
    deadline, since, what = due
    kind, name, statute = _annual(c) or ("", "", "")
    held = sorted(m.held_on for m in f.meetings if m.kind == kind)
    if any(since < when <= deadline for when in held):
        return []
    last = [when for when in held if when <= f.today]
    late = [when for when in last if when > deadline]
    rules = c.meetings.agm
    if rules.within_months_of_year_end is not None and "year end" in what:
        months, field = rules.within_months_of_year_end, "within_months_of_year_end"
    else:
        months, field = rules.within_months_of_previous, "within_months_of_previous"
    # The findings catalogue numbers an NHS foundation trust's annual members' meeting apart.
    code = "MTG-7" if c.organisation.legal_form == LegalForm.NHS_FOUNDATION_TRUST else "MTG-1"
    if late:  # held, but after the deadline: no longer missing, still on the record
        return [
            Finding(
                code,
                Severity.WARNING,
                f"The {name} due within {plural(months, 'month')} of {what} (by "
                f"{day(deadline)}) was held late, on {day(late[0])}.",
                f"meetings.agm.{field}: {months} ({statute})",
                f"Plan next year's {name} to be held in time.",
                "meetings",
            )
        ]
    return [
        Finding(
            code,
            Severity.SERIOUS,
            f"No {name} has been held within {plural(months, 'month')} of {what} "
            f"(due by {day(deadline)}): "
            + (f"the last was on {day(last[-1])}." if last else "none has ever been held."),
            f"meetings.agm.{field}: {months} ({statute})",
            f"Call the {name} now, with {c.meetings.agm.notice_clear_days} clear days' notice.",
            "meetings",
        )
    ]


def _recent(f: Facts, held_on: date) -> bool:
    return add_period(f.today, -LOOKBACK_YEARS, "years") <= held_on <= f.today


def _name(c: Constitution, meeting: MeetingHeld) -> str:
    try:
        return c.meeting_kind(meeting.kind).called()
    except NotFound:
        return "meeting"


def notice_given(c: Constitution, f: Facts) -> list[Finding]:
    """MTG-2: a meeting held on shorter notice than the rulebook's clear days."""
    findings = []
    for meeting in f.meetings:
        if meeting.kind not in c.members_meeting_kinds() or meeting.notice_given_on is None:
            continue
        if not _recent(f, meeting.held_on):
            continue
        rule = c.meeting_kind(meeting.kind)
        needed = c.notice_clear_days(meeting.kind)
        if meeting.notice_given_on <= notice_deadline(meeting.held_on, needed):
            continue
        consent = None if rule.annual else c.meetings.general.shorter_notice_consent
        if consent is not None and consent.met(
            meeting.short_notice_consents, meeting.members_total
        ):
            continue
        clear = max(0, (meeting.held_on - meeting.notice_given_on).days - 1)
        if rule.notice_clear_days is not None:
            field = f"meetings.kinds.{rule.id}.notice_clear_days"
        else:
            field = f"meetings.{'agm' if rule.annual else 'general'}.notice_clear_days"
        findings.append(
            Finding(
                "MTG-2",
                Severity.SERIOUS,
                f"The {_name(c, meeting)} on {day(meeting.held_on)} had "
                f"{plural(clear, 'clear day')}' notice (given {day(meeting.notice_given_on)}): "
                f"the rules need {needed}.",
                f"{field}: {needed}",
                "Take advice on whether its decisions stand; confirm them at a meeting called "
                "with full notice.",
                "meetings",
            )
        )
    return findings


def quorate(c: Constitution, f: Facts) -> list[Finding]:
    """MTG-3: a members' meeting held without its quorum."""
    findings = []
    for meeting in f.meetings:
        if meeting.kind not in c.members_meeting_kinds() or not _recent(f, meeting.held_on):
            continue
        required = quorum_required(c.meetings, meeting.members_total)
        if meeting.adjourned_for_quorum and (
            c.meetings.quorum_inquorate == "adjourn-then-present-are-quorum"
        ):
            required = 1
        if meeting.present >= required:
            continue
        findings.append(
            Finding(
                "MTG-3",
                Severity.SERIOUS,
                f"The {_name(c, meeting)} on {day(meeting.held_on)} was inquorate: "
                f"{meeting.present} present of {plural(meeting.members_total, 'member')}, "
                f"{required} needed.",
                "meetings.quorum: " + _quorum_text(c),
                "Its decisions are not valid: hold the business again at a quorate meeting.",
                "meetings",
            )
        )
    return findings


def _quorum_text(c: Constitution) -> str:
    q = c.meetings.quorum
    parts = []
    if q.absolute is not None:
        parts.append(f"{q.absolute} members")
    if q.fraction is not None:
        parts.append(f"{float(q.fraction) * 100:g}% of members")
    joined = " or ".join(parts)
    return joined + (f", whichever is {q.combine}" if q.combine else "")


def requisitions(c: Constitution, f: Facts) -> list[Finding]:
    """MTG-4: a valid requisition the board has not convened in time, or whose meeting is not
    held in time."""
    findings = []
    rules = c.meetings.requisition
    for req in f.requisitions:
        late_convening = (
            req.board_deadline is not None
            and req.the_boards_to_convene
            and (
                (req.convened_on is None and f.today > req.board_deadline)
                or (req.convened_on is not None and req.convened_on > req.board_deadline)
            )
        )
        if late_convening:
            findings.append(
                Finding(
                    "MTG-4",
                    Severity.SERIOUS,
                    f"Requisition {req.number} (submitted {day(req.submitted_on)}) had to be "
                    f"convened by the board by {day(req.board_deadline)}: "
                    + (
                        f"notice was given on {day(req.convened_on)}."
                        if req.convened_on
                        else "it has not been."
                    ),
                    "meetings.requisition.board_convenes_within: "
                    f"{rules.board_convenes_within if rules else '?'}",
                    "Convene the meeting now"
                    + (
                        f"; failing that, any {rules.otherwise_convened_by_members} members may."
                        if rules and rules.otherwise_convened_by_members
                        else "."
                    ),
                    "meetings",
                )
            )
        late_meeting = (
            req.meeting_deadline is not None
            and req.the_boards_to_convene
            and (
                (req.meeting_on is None and f.today > req.meeting_deadline)
                or (req.meeting_on is not None and req.meeting_on > req.meeting_deadline)
            )
        )
        if late_meeting:
            findings.append(
                Finding(
                    "MTG-4",
                    Severity.SERIOUS,
                    f"The meeting requisitioned by requisition {req.number} had to be held by "
                    f"{day(req.meeting_deadline)}: "
                    + (
                        f"it is set for {day(req.meeting_on)}."
                        if req.meeting_on
                        else "none has been set."
                    ),
                    f"meetings.requisition.meeting_within: {rules.meeting_within if rules else '?'}",
                    "Hold the requisitioned meeting without further delay.",
                    "meetings",
                )
            )
    return findings


def resolutions(c: Constitution, f: Facts) -> list[Finding]:
    """MTG-5 (and MTG-6, a supporters' trust direction): a resolution declared carried whose
    votes do not meet its kind's threshold (and turnout)."""
    findings = []
    for res in f.resolutions:
        if not res.carried or not _recent(f, res.held_on):
            continue
        try:
            kind = c.resolution(res.kind_id)
        except NotFound:
            continue
        passes, reason = resolution_passes(
            kind,
            res.votes_for,
            res.votes_against,
            res.abstentions,
            res.members_present,
            res.members_total,
        )
        if passes:
            continue
        findings.append(
            Finding(
                "MTG-5",
                Severity.SERIOUS,
                f"'{res.title}' ({kind.name.lower()}, {day(res.held_on)}) was declared "
                f"carried, but: {reason}",
                f"meetings.resolutions.{kind.id}.threshold: {kind.threshold}",
                "The resolution has not passed: correct the declared result and the minutes.",
                "meetings",
            )
        )
    return findings


CHECKS = (agm_held, notice_given, quorate, requisitions, resolutions)
