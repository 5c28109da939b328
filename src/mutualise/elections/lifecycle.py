"""An election's states and the one table of transitions between them.

Each guard reads a `Facts` snapshot (built by services.facts) and returns `(allowed, reason)`;
the reason is shown beside a disabled button and raised by services when a move is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    NOTICE_PUBLISHED = "notice_published", "Notice of election published"
    NOMINATIONS_OPEN = "nominations_open", "Nominations open"
    NOMINATIONS_CLOSED = "nominations_closed", "Nominations closed"
    WITHDRAWALS_CLOSED = "withdrawals_closed", "Withdrawals closed"
    POLL_OPEN = "poll_open", "Poll open"
    POLL_CLOSED = "poll_closed", "Poll closed"
    COUNTED = "counted", "Counted"
    DECLARED = "declared", "Result declared"
    VOID = "void", "Void"


FINAL = frozenset({State.DECLARED, State.VOID})
# States in which the timetable may still be moved.
BEFORE_POLL = (
    State.DRAFT,
    State.NOTICE_PUBLISHED,
    State.NOMINATIONS_OPEN,
    State.NOMINATIONS_CLOSED,
    State.WITHDRAWALS_CLOSED,
)


@dataclass(frozen=True)
class Facts:
    now: datetime
    state: State
    vacancies: int
    notice_of_election: datetime
    nominations_close: datetime
    withdrawals_close: datetime
    close_of_poll: datetime
    standing: int = 0
    roll_frozen: bool = False
    roll_size: int = 0
    voters_without_credential: int = 0
    pending_paper_entries: int = 0
    method_available: bool = True
    method: str = ""
    # The rulebook's `elections.when_uncontested`: declare-elected, hold-approval-vote or
    # reopen-nominations.
    when_uncontested: str = "declare-elected"
    # A tie the rulebook leaves to the chair's casting vote (`elections.ties`), still to be given:
    # the tied candidates in words, or "".
    casting_vote_pending: str = ""


Guard = Callable[[Facts], tuple[bool, str]]
OK = (True, "")


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "j F Y, H:i")


def _notice_in_time(f: Facts):
    if f.now > f.notice_of_election:
        return False, (
            f"the notice of election was due by {_when(f.notice_of_election)}; "
            "move the close of poll later first"
        )
    return OK


def _nominations_can_open(f: Facts):
    if f.now >= f.nominations_close:
        return False, f"nominations closed at {_when(f.nominations_close)}"
    return OK


def _nominations_deadline_passed(f: Facts):
    if f.now < f.nominations_close:
        return False, f"nominations stay open until {_when(f.nominations_close)}"
    return OK


def _withdrawals_deadline_passed(f: Facts):
    if f.now < f.withdrawals_close:
        return False, f"candidates may withdraw until {_when(f.withdrawals_close)}"
    return OK


_UNCONTESTED_RULE = {
    "hold-approval-vote": "the rulebook still holds a vote on uncontested candidates "
    "(elections.when_uncontested: hold-approval-vote): open the poll",
    "reopen-nominations": "the rulebook reopens nominations when an election is uncontested "
    "(elections.when_uncontested: reopen-nominations)",
}


def _uncontested(f: Facts):
    if f.standing > f.vacancies:
        return False, (
            f"{f.standing} candidates stand for {f.vacancies} seats: the election is contested"
        )
    if f.when_uncontested != "declare-elected":
        return False, _UNCONTESTED_RULE[f.when_uncontested]
    return OK


def _may_reopen(f: Facts):
    if f.when_uncontested != "reopen-nominations":
        return False, "the rulebook does not reopen nominations (elections.when_uncontested)"
    if f.standing > f.vacancies:
        return False, (
            f"{f.standing} candidates stand for {f.vacancies} seats: the election is contested"
        )
    return OK  # the new close of poll, given with the step, must leave time to nominate


def _poll_can_open(f: Facts):
    approval_vote = f.when_uncontested == "hold-approval-vote" and f.standing > 0
    if f.standing <= f.vacancies and not approval_vote:
        if f.when_uncontested == "reopen-nominations" and f.standing:
            return False, (
                f"{f.standing} candidates for {f.vacancies} seats: the rulebook reopens "
                "nominations (elections.when_uncontested)"
            )
        return False, (
            f"{f.standing} candidates for {f.vacancies} seats: declare them elected without a poll"
        )
    if not f.roll_frozen:
        return False, "the electoral roll has not been frozen"
    if f.roll_size == 0:
        return False, "the electoral roll is empty"
    if f.voters_without_credential:
        return False, f"{f.voters_without_credential} voters have no voting code yet"
    if f.now >= f.close_of_poll:
        return False, f"the poll was to close at {_when(f.close_of_poll)}"
    return OK


def _poll_can_close(f: Facts):
    if f.now < f.close_of_poll:
        return False, f"the poll stays open until {_when(f.close_of_poll)}"
    return OK


def _can_count(f: Facts):
    if f.pending_paper_entries:
        return False, (
            f"{f.pending_paper_entries} postal or paper ballots are keyed once only: "
            "key them again or discard them"
        )
    if not f.method_available:
        return False, f"the counting method '{f.method}' is not installed"
    return OK


def _always(f: Facts):
    return OK


def _no_casting_vote_pending(f: Facts):
    if f.casting_vote_pending:
        return False, (
            f"{f.casting_vote_pending} are tied and the rulebook leaves it to the chair's "
            "casting vote (elections.ties: chair-casting-vote)"
        )
    return OK


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[State, ...]
    target: State
    guard: Guard
    audit_action: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "publish_notice",
        "Publish the notice of election",
        (State.DRAFT,),
        State.NOTICE_PUBLISHED,
        _notice_in_time,
        "election.notice_published",
    ),
    Transition(
        "open_nominations",
        "Open nominations",
        (State.NOTICE_PUBLISHED,),
        State.NOMINATIONS_OPEN,
        _nominations_can_open,
        "election.nominations_opened",
    ),
    Transition(
        "close_nominations",
        "Close nominations and publish the statement of nominated candidates",
        (State.NOMINATIONS_OPEN,),
        State.NOMINATIONS_CLOSED,
        _nominations_deadline_passed,
        "election.nominations_closed",
    ),
    Transition(
        "close_withdrawals",
        "Close withdrawals",
        (State.NOMINATIONS_CLOSED,),
        State.WITHDRAWALS_CLOSED,
        _withdrawals_deadline_passed,
        "election.withdrawals_closed",
    ),
    Transition(
        "declare_uncontested",
        "Declare the candidates elected unopposed",
        (State.WITHDRAWALS_CLOSED,),
        State.DECLARED,
        _uncontested,
        "election.declared_uncontested",
    ),
    Transition(
        "reopen_nominations",
        "Reopen nominations",
        (State.WITHDRAWALS_CLOSED,),
        State.NOMINATIONS_OPEN,
        _may_reopen,
        "election.nominations_reopened",
    ),
    Transition(
        "open_poll",
        "Open the poll",
        (State.WITHDRAWALS_CLOSED,),
        State.POLL_OPEN,
        _poll_can_open,
        "election.poll_opened",
    ),
    Transition(
        "close_poll",
        "Close the poll",
        (State.POLL_OPEN,),
        State.POLL_CLOSED,
        _poll_can_close,
        "election.poll_closed",
    ),
    Transition(
        "count",
        "Count the votes",
        (State.POLL_CLOSED,),
        State.COUNTED,
        _can_count,
        "election.counted",
    ),
    Transition(
        "declare",
        "Declare the result",
        (State.COUNTED,),
        State.DECLARED,
        _no_casting_vote_pending,
        "election.declared",
    ),
    Transition(
        "void",
        "Void the election",
        tuple(s for s in State if s not in FINAL),
        State.VOID,
        _always,
        "election.voided",
    ),
)
BY_NAME = {t.name: t for t in TRANSITIONS}


def check(name: str, facts: Facts) -> tuple[bool, str]:
    """Whether transition `name` may happen now, and if not, why not."""
    transition = BY_NAME[name]
    if facts.state not in transition.sources:
        return False, f"not possible while the election is '{facts.state.label}'"
    return transition.guard(facts)


def available(facts: Facts) -> list[tuple[Transition, bool, str]]:
    """Every transition leaving the current state, with whether it is allowed and why not."""
    return [(t, *t.guard(facts)) for t in TRANSITIONS if facts.state in t.sources]
