"""The states of a meeting and of a resolution, and the one table of transitions for each.

Every guard returns `(allowed, reason)`, so a page can say why a button is off. Guards read the
facts they need (quorum, notice) from `facts.py`; services apply a transition only when its
guard allows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils import timezone

from mutualise import clock

from .facts import notice_check, quorum


class MeetingState(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    CALLED = "called", "Notice given"
    IN_SESSION = "in-session", "In session"
    ADJOURNED = "adjourned", "Adjourned"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class ResolutionState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    OPEN = "open", "Voting open"
    DECLARED = "declared", "Result declared"
    WITHDRAWN = "withdrawn", "Withdrawn"


Guard = Callable[[object, datetime], tuple[bool, str]]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    guard: Guard


OK = (True, "")


def _always(obj, now):
    return OK


# --- meeting guards -------------------------------------------------------------------------


def _notice_lawful(meeting, now):
    return notice_check(meeting, timezone.localtime(now).date())


def _day_has_come(meeting, now):
    if timezone.localtime(now).date() < meeting.date:
        return False, f"The meeting is on {meeting.date:%-d %B %Y}; it cannot open before then."
    return OK


def _no_vote_open(meeting, now):
    if meeting.resolutions.filter(state=ResolutionState.OPEN).exists():
        return False, "A vote is open: declare its result first."
    return OK


def _nothing_declared(meeting, now):
    if meeting.resolutions.filter(state=ResolutionState.DECLARED).exists():
        return False, "Results have been declared at this meeting; it cannot be cancelled."
    return OK


MEETING_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("call", "Give notice", ("draft",), "called", _notice_lawful),
        Transition(
            "open", "Open the meeting", ("called", "adjourned"), "in-session", _day_has_come
        ),
        Transition("adjourn", "Adjourn", ("in-session",), "adjourned", _no_vote_open),
        Transition("close", "Close the meeting", ("in-session",), "closed", _no_vote_open),
        Transition("cancel", "Cancel", ("draft", "called"), "cancelled", _nothing_declared),
    )
}


# --- resolution guards ----------------------------------------------------------------------


def _binding_vote_may_open(resolution, now):
    if resolution.meeting.state != MeetingState.IN_SESSION:
        return False, "The meeting is not in session."
    if resolution.meeting.resolutions.filter(state=ResolutionState.OPEN).exists():
        return False, "Another vote is open."
    state = quorum(resolution.meeting)
    if not state.quorate:
        return False, (
            f"The meeting is inquorate: {state.present} present, {state.required} needed. "
            "A binding vote cannot open."
        )
    if resolution.confirms_id and resolution.confirms.carried is not True:
        return False, "The resolution it confirms was not carried."
    return OK


RESOLUTION_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("open_vote", "Open the vote", ("proposed",), "open", _binding_vote_may_open),
        Transition("declare", "Declare the result", ("open",), "declared", _always),
        Transition("withdraw", "Withdraw", ("proposed",), "withdrawn", _always),
    )
}


def check(table: dict[str, Transition], obj, name: str, now=None) -> tuple[bool, str]:
    """Whether transition `name` may happen to `obj` now, and if not, why."""
    transition = table[name]
    if obj.state not in transition.sources:
        label = type(obj).__name__.lower()
        return (
            False,
            f"The {label} is {obj.get_state_display().lower()}: cannot {transition.label.lower()}.",
        )
    return transition.guard(obj, now or clock.now())


def available(table: dict[str, Transition], obj, now=None) -> list[tuple[Transition, bool, str]]:
    """Each transition from the object's current state, with whether it is allowed and why not."""
    now = now or clock.now()
    return [(t, *t.guard(obj, now)) for t in table.values() if obj.state in t.sources]
