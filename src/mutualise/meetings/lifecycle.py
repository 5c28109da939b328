"""The states of a meeting, a resolution, a requisition, a members' motion and the minutes, and
one table of transitions for each (the house style of `elections/lifecycle.py`).

Every guard is a pure function of a facts snapshot (built from the database in `facts.py`) and
returns `(allowed, reason)`, so a page can say why a button is off; `blocking` lists every
reason at once. Services build the facts inside the transaction that locks the row, check the
transition here, and apply it with its effects and its audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import models


class MeetingState(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    CALLED = "called", "Notice given"
    IN_SESSION = "in-session", "In session"
    ADJOURNED = "adjourned", "Adjourned"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# Meetings whose start (or, adjourned, whose resumption) is still to come at their starts_at.
TO_START = frozenset({MeetingState.CALLED, MeetingState.ADJOURNED})


class ResolutionState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    OPEN = "open", "Voting open"
    DECLARED = "declared", "Result declared"
    WITHDRAWN = "withdrawn", "Withdrawn"


class RequisitionState(models.TextChoices):
    COLLECTING = "collecting", "Collecting signatures"
    VALID = "valid", "Valid: the board must convene the meeting"
    TOO_FEW = "too-few", "Not enough valid signatures"
    CONVENED_BY_BOARD = "board", "Convened by the board"
    CONVENED_BY_MEMBERS = "members", "Convened by members"


class MotionState(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "On the agenda"
    REJECTED = "rejected", "Not accepted"


class MinutesState(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


def _day(d: date) -> str:
    return f"{d:%-d %B %Y}"


# --- facts: what the guards read ----------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFacts:
    state: str
    today: date
    meeting_date: date
    votes_open: int = 0  # read in session only
    declared: int = 0  # read before the meeting only
    # Notice (read while the meeting is a draft): the rulebook's clear days and the last day to
    # give it, and any written consent to shorter notice.
    notice_days: int = 0
    notice_latest: date | None = None
    is_annual: bool = False
    consent_rule: str = ""  # the rulebook's shorter-notice consent, "" where it gives none
    consent_met: bool = False
    short_notice_consents: int = 0
    members_total: int = 0
    subject: str = "meeting"
    labels: type[models.TextChoices] = MeetingState


@dataclass(frozen=True)
class ResolutionFacts:
    state: str
    meeting_state: str
    other_vote_open: bool = False
    quorum_present: int = 0
    quorum_required: int = 0
    confirms: bool = False
    confirms_carried: bool = False
    subject: str = "resolution"
    labels: type[models.TextChoices] = ResolutionState


@dataclass(frozen=True)
class RequisitionFacts:
    state: str
    today: date
    valid_signatures: int = 0
    signatures_needed: int = 0
    board_deadline: date | None = None
    meeting_deadline: date | None = None
    meeting_date: date | None = None  # of the meeting being convened
    members_may_convene: int | None = None  # the rulebook's number, None: they may not
    conveners: int = 0  # valid members convening it themselves
    subject: str = "requisition"
    labels: type[models.TextChoices] = RequisitionState


@dataclass(frozen=True)
class MotionFacts:
    state: str
    meeting_state: str
    supporters: int = 0
    supporters_needed: int = 0
    subject: str = "motion"
    labels: type[models.TextChoices] = MotionState


@dataclass(frozen=True)
class MinutesFacts:
    state: str
    chair_named: bool = False
    # The meeting approving them (approve): later, of the same organisation, in session, quorate.
    at_later_meeting: bool = False
    at_meeting_in_session: bool = False
    at_meeting_quorum: str = ""  # the QuorumState in words
    at_meeting_quorate: bool = False
    subject: str = "minutes"
    labels: type[models.TextChoices] = MinutesState


Facts = MeetingFacts | ResolutionFacts | RequisitionFacts | MotionFacts | MinutesFacts
Guard = Callable[[Facts], tuple[bool, str]]
OK = (True, "")


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    guard: Guard
    wrong_state: str = ""  # the refusal from any other state, where the generic one is not apt


def _table(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


def _always(f) -> tuple[bool, str]:
    return OK


# --- meeting guards ------------------------------------------------------------------------------


def notice_verdict(f: MeetingFacts) -> tuple[bool, str]:
    """Notice given today is lawful: within the clear days, or with enough written consent."""
    if f.today <= f.notice_latest:
        return True, ""
    if not f.is_annual and f.consent_met:
        return True, (
            f"Shorter notice: {f.short_notice_consents} of {f.members_total} members agreed in "
            f"writing ({f.consent_rule} needed)."
        )
    earliest = date.fromordinal(f.today.toordinal() + f.notice_days + 1)
    return False, (
        f"The rules need {f.notice_days} clear days' notice: notice for a meeting on "
        f"{_day(f.meeting_date)} had to be given by {_day(f.notice_latest)}. With notice given on "
        f"{_day(f.today)} the earliest lawful date is {_day(earliest)}."
    )


def _day_has_come(f: MeetingFacts):
    if f.today < f.meeting_date:
        return False, f"The meeting is on {_day(f.meeting_date)}; it cannot open before then."
    return OK


def _no_vote_open(f: MeetingFacts):
    if f.votes_open:
        return False, "A vote is open: declare its result first."
    return OK


def _nothing_declared(f: MeetingFacts):
    if f.declared:
        return False, "Results have been declared at this meeting; it cannot be cancelled."
    return OK


MEETING_TRANSITIONS = _table(
    Transition("call", "Give notice", ("draft",), "called", notice_verdict),
    Transition("open", "Open the meeting", ("called", "adjourned"), "in-session", _day_has_come),
    Transition("adjourn", "Adjourn", ("in-session",), "adjourned", _no_vote_open),
    Transition("close", "Close the meeting", ("in-session",), "closed", _no_vote_open),
    Transition("cancel", "Cancel", ("draft", "called"), "cancelled", _nothing_declared),
)


# --- resolution guards ---------------------------------------------------------------------------


def _binding_vote_may_open(f: ResolutionFacts):
    if f.meeting_state != MeetingState.IN_SESSION:
        return False, "The meeting is not in session."
    if f.other_vote_open:
        return False, "Another vote is open."
    if f.quorum_present < f.quorum_required:
        return False, (
            f"The meeting is inquorate: {f.quorum_present} present, {f.quorum_required} needed. "
            "A binding vote cannot open."
        )
    if f.confirms and not f.confirms_carried:
        return False, "The resolution it confirms was not carried."
    return OK


RESOLUTION_TRANSITIONS = _table(
    Transition("open_vote", "Open the vote", ("proposed",), "open", _binding_vote_may_open),
    Transition("declare", "Declare the result", ("open",), "declared", _always),
    Transition("withdraw", "Withdraw", ("proposed",), "withdrawn", _always),
)


# --- requisition guards --------------------------------------------------------------------------


def _enough_signatures(f: RequisitionFacts):
    if f.valid_signatures < f.signatures_needed:
        return False, f"{f.valid_signatures} valid signatures; {f.signatures_needed} are needed"
    return OK


def _too_few_signatures(f: RequisitionFacts):
    if f.valid_signatures >= f.signatures_needed:
        return False, "the requisition has the signatures it needs"
    return OK


def _held_in_time(f: RequisitionFacts):
    if f.meeting_deadline and f.meeting_date and f.meeting_date > f.meeting_deadline:
        return False, f"the requisitioned meeting must be held by {_day(f.meeting_deadline)}"
    return OK


def _board_in_time(f: RequisitionFacts):
    held = _held_in_time(f)
    if not held[0]:
        return held
    if f.board_deadline and f.today > f.board_deadline:
        return False, (
            f"the board's deadline ({_day(f.board_deadline)}) has passed; "
            "the members may convene the meeting"
        )
    return OK


def _members_may_convene(f: RequisitionFacts):
    held = _held_in_time(f)
    if not held[0]:
        return held
    if f.members_may_convene is None:
        return False, "these rules do not let members convene the meeting themselves"
    if f.board_deadline is None:
        return False, "the rules set the board no deadline"
    if f.today <= f.board_deadline:
        return False, f"the board has until {_day(f.board_deadline)} to convene it"
    if f.conveners < f.members_may_convene:
        return False, f"{f.members_may_convene} members must convene it; {f.conveners} valid"
    return OK


_SUBMITTED = "this requisition has been submitted"
_NOT_VALID = "this requisition is {state}"
REQUISITION_TRANSITIONS = _table(
    Transition("sign", "Sign", ("collecting",), "collecting", _always, _SUBMITTED),
    Transition("count_valid", "Submit", ("collecting",), "valid", _enough_signatures, _SUBMITTED),
    Transition(
        "count_too_few", "Submit", ("collecting",), "too-few", _too_few_signatures, _SUBMITTED
    ),
    Transition("convene_by_board", "Convene", ("valid",), "board", _board_in_time, _NOT_VALID),
    Transition(
        "convene_by_members", "Convene", ("valid",), "members", _members_may_convene, _NOT_VALID
    ),
)


# --- motion guards -------------------------------------------------------------------------------


def _enough_supporters(f: MotionFacts):
    if f.supporters < f.supporters_needed:
        return False, f"the motion has {f.supporters} supporters; {f.supporters_needed} are needed"
    return OK


MOTION_TRANSITIONS = _table(
    Transition(
        "accept",
        "Put on the agenda",
        ("submitted",),
        "accepted",
        _enough_supporters,
        "this motion is {state} already",
    ),
)


# --- minutes guards ------------------------------------------------------------------------------


def _approvable_at(f: MinutesFacts):
    if not f.at_later_meeting:
        return False, "minutes are approved at a later meeting of the same organisation"
    if not f.at_meeting_in_session:
        return False, "the approving meeting must be in session"
    if not f.at_meeting_quorate:
        return False, f"the approving meeting is inquorate: {f.at_meeting_quorum}"
    return OK


def _chair_named(f: MinutesFacts):
    if not f.chair_named:
        return False, "say who chaired the meeting before approving the minutes"
    return OK


_APPROVED = "these minutes are already approved"
MINUTES_TRANSITIONS = _table(
    Transition(
        "edit",
        "Save",
        ("draft",),
        "draft",
        _always,
        "these minutes are signed; a signed record is not edited",
    ),
    Transition(
        "approve", "Approve at this meeting", ("draft",), "approved", _approvable_at, _APPROVED
    ),
    Transition("sign", "Approve as a true record", ("draft",), "approved", _chair_named, _APPROVED),
    Transition(
        "publish",
        "Publish",
        ("approved",),
        "published",
        _always,
        "only approved minutes are published",
    ),
)


# --- asking the tables ---------------------------------------------------------------------------


def _label(facts: Facts) -> str:
    return facts.labels(facts.state).label.lower()


def check(table: dict[str, Transition], facts: Facts, name: str) -> tuple[bool, str]:
    """Whether transition `name` may happen now, and if not, why."""
    transition = table[name]
    if facts.state not in transition.sources:
        if transition.wrong_state:
            return False, transition.wrong_state.format(state=_label(facts))
        state = _label(facts)
        return False, f"The {facts.subject} is {state}: cannot {transition.label.lower()}."
    return transition.guard(facts)


def available(table: dict[str, Transition], facts: Facts) -> list[tuple[Transition, bool, str]]:
    """Each transition from the current state, with whether it is allowed and why not."""
    return [(t, *t.guard(facts)) for t in table.values() if facts.state in t.sources]


def blocking(table: dict[str, Transition], facts: Facts) -> dict[str, str]:
    """Every reason at once: each transition from the current state that is refused, by name."""
    return {t.name: why for t, ok, why in available(table, facts) if not ok}
