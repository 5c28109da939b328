"""What the election verbs share: errors, the clock, the permission check, the timetable and the lifecycle facts."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import models

from mutualise.constitution.calendar import ElectionTimetable, election_timetable
from mutualise.counting.methods import METHODS

from .. import ballot_parser, clock, lifecycle, rules
from ..lifecycle import State
from ..models import (
    CHANNEL_RULES,
    Candidate,
    Credential,
    Election,
    PaperEntry,
)

logger = logging.getLogger(__name__)


class ElectionError(ValueError):
    """A request the rules, the timetable or the state of the election cannot accept."""


class NotPermitted(ElectionError):
    """The actor does not hold the role this action needs."""


class CodeRefused(ElectionError):
    """A voting code that is wrong, void, already used, or entered too often."""

    def __init__(self, message: str, *, wrong_code: bool = False):
        self.wrong_code = wrong_code
        super().__init__(message)


TOO_MANY = (
    "that voting code is not right, and there have been many wrong codes from this connection:"
    " check it carefully against your poll card or email"
)


class BallotInvalid(ElectionError, ballot_parser.BallotInvalid):
    """Marks that do not make a valid ballot; `problems` lists each in words."""

    def __init__(self, problems: list[str]):
        ballot_parser.BallotInvalid.__init__(self, problems)


_WHOLE_ELECTION = "election"  # the throttle row counting every client's wrong codes


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


# ---------------------------------------------------------------------------------------------
# Who may act. Users are checked against the organisation's roles; a plain string actor is the
# system itself (the CLI run by an administrator, tests, the demo).


def _require(predicate_name: str, actor, election) -> None:
    if actor is None or isinstance(actor, str):
        return
    if not rules.PREDICATES[predicate_name](actor, election):
        raise NotPermitted(rules.REFUSALS[predicate_name])


# ---------------------------------------------------------------------------------------------
# Setting up and the timetable


def timetable(election: Election) -> ElectionTimetable:
    constitution = election.organisation.constitution
    return election_timetable(
        constitution.elections.timetable,
        election.close_of_poll,
        constitution.organisation.nation,
    )


def _check_close_of_poll(constitution, close_of_poll: date) -> ElectionTimetable:
    try:
        return election_timetable(
            constitution.elections.timetable, close_of_poll, constitution.organisation.nation
        )
    except ValueError as exc:
        raise ElectionError(f"close_of_poll: {exc}") from None


def _standing(election: Election):
    return election.candidates.filter(status=Candidate.Status.NOMINATED)


def facts(election: Election, now: datetime | None = None) -> lifecycle.Facts:
    table = timetable(election)
    roll = election.roll.filter(removed=False)
    live = Credential.objects.filter(roll_entry=models.OuterRef("pk"), voided_at__isnull=True)
    # Only the steps up to opening the poll read the roll's size and missing codes; on a roll
    # of a million the anti-join costs a second, so later steps skip it.
    needs_roll = election.state_enum in (State.NOMINATIONS_CLOSED, State.WITHDRAWALS_CLOSED)
    return lifecycle.Facts(
        now=_now(now),
        state=election.state_enum,
        vacancies=election.vacancies,
        notice_of_election=table.notice_of_election,
        nominations_close=table.nominations_close,
        withdrawals_close=table.withdrawals_close
        or table.statement_of_nominations
        or table.nominations_close,
        close_of_poll=table.close_of_poll,
        standing=_standing(election).count(),
        roll_frozen=election.roll_frozen_on is not None,
        roll_size=roll.count() if needs_roll else 0,
        voters_without_credential=roll.exclude(models.Exists(live)).count() if needs_roll else 0,
        pending_paper_entries=PaperEntry.objects.filter(election=election).count(),
        method_available=election.method in METHODS,
        method=election.method,
        when_uncontested=election.organisation.constitution.elections.when_uncontested,
        casting_vote_pending=casting_vote_pending(election),
    )


def casting_vote_pending(election: Election) -> str:
    """The candidates tied where the chair's casting vote is still to be given, in words."""
    pending = (election.result or {}).get("casting_pending")
    if not pending:
        return ""
    names = pending["tied_names"]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _require_channel(election: Election, channel: str) -> None:
    """Refuse a ballot by a channel the rulebook does not provide (`elections.channels`)."""
    allowed = election.organisation.constitution.elections.channels
    if not set(CHANNEL_RULES.get(channel, (channel,))) & set(allowed):
        raise ElectionError(
            f"the rules provide for voting {', '.join(allowed)}; not by {channel} "
            "(elections.channels)"
        )
