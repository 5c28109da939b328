"""Bodies, seats, terms, offices, and their elections."""

from __future__ import annotations

import math
from datetime import time
from fractions import Fraction
from typing import Literal

from pydantic import Field

from .kinds import (
    AppointerKind,
    BodyKind,
    ConstituencyKind,
    DayKind,
    ElectionMethod,
    NonWorkingDay,
    SeatFill,
)
from .measures import Threshold
from .types import Count, PositiveCount, Proportion, SecrecyBatch, Slug, Strict, TimeOfDay

# ---------------------------------------------------------------------------------------------
# Bodies and seats


class Appointer(Strict):
    id: Slug
    name: str = Field(min_length=1)
    kind: AppointerKind


class Term(Strict):
    years: PositiveCount
    max_terms: PositiveCount | None = None
    max_years: PositiveCount | None = None
    re_election_allowed: bool = True


class SeatGroup(Strict):
    """Seats filled the same way: elected by a constituency, class or body, appointed, ..."""

    id: Slug
    name: str = ""
    seats: PositiveCount
    filled_by: SeatFill
    electorate: Slug | None = None  # a constituency, class or body id (elected seats)
    appointer: Slug | None = None  # an appointer or body id (appointed seats)
    office: str | None = None  # the office held (ex-officio seats)
    term: Term | None = None  # overrides the body's term
    until_next_agm: bool = False  # co-opted seats that lapse at the next AGM

    @property
    def label(self) -> str:
        """Its name for people; the name is optional, so else its id in words
        ('elected-directors' -> 'Elected directors'), never the raw id."""
        return self.name or self.id.replace("-", " ").capitalize()


class SeatSelector(Strict):
    constituency_kind: ConstituencyKind | None = None
    electorate: Slug | None = None
    filled_by: SeatFill | None = None
    appointer_kind: AppointerKind | None = None
    appointer: Slug | None = None


class CompositionRule(Strict):
    """A rule on the make-up of a body, checked against its seats when the rulebook loads."""

    description: str = Field(min_length=1)
    seats: SeatSelector = SeatSelector()
    at_least: Count | None = None
    at_most: Count | None = None
    share: Threshold | None = None  # of all the body's seats
    share_at_most: Proportion | None = None  # e.g. 1/2: no more than half the seats
    one_per_class_of: Slug | None = None  # a constituency each of whose classes needs a seat


class Rotation(Strict):
    """Retirement by rotation, e.g. one third at each AGM, longest-serving first, ties by lot."""

    fraction: Proportion
    at: Literal["agm"] = "agm"
    rounding: Literal["nearest", "up", "down"] = "nearest"
    order: Literal["longest-serving-first"] = "longest-serving-first"
    ties: Literal["lot", "agreement-then-lot"] = "lot"

    def retiring(self, elected_members: int) -> int:
        """How many of `elected_members` retire at the next AGM ('nearest' rounds halves up)."""
        share = self.fraction * elected_members
        if self.rounding == "up":
            return math.ceil(share)
        if self.rounding == "down":
            return math.floor(share)
        return math.floor(share + Fraction(1, 2))


class Office(Strict):
    """An office of a body (its chair, vice-chair, secretary) and how its holder is chosen:
    elected by the body itself or by a constituency, or appointed by an appointer or body."""

    id: Slug
    name: str = Field(min_length=1)
    filled_by: SeatFill
    electorate: Slug | None = None  # the body itself, another body, or a constituency
    appointer: Slug | None = None
    holders: PositiveCount = 1

    @property
    def label(self) -> str:
        """Its name for people (an office's name is required; SeatGroup.label's twin)."""
        return self.name


class Body(Strict):
    id: Slug
    name: str = Field(min_length=1)
    kind: BodyKind
    total_seats: PositiveCount | None = None
    seats: tuple[SeatGroup, ...] = Field(min_length=1)
    term: Term
    rotation: Rotation | None = None
    composition: tuple[CompositionRule, ...] = ()
    member_minimum_age: Count | None = None
    meets_at_least_per_year: Count | None = None
    election_method: ElectionMethod | None = None  # overrides elections.method
    disqualifications: tuple[str, ...] = ()
    offices: tuple[Office, ...] = ()  # none listed: the rulebook says nothing on its offices

    @property
    def seat_count(self) -> int:
        return sum(group.seats for group in self.seats)

    # ---------------------------------------------------------------------------------------------
    # Elections

    def seat_label(self, seat_id: str) -> str:
        """The words for one of its seat groups or offices, by id (the id itself if unknown)."""
        for item in (*self.seats, *self.offices):
            if item.id == seat_id:
                return item.label
        return seat_id


class Timetable(Strict):
    """Deadlines counted back from the close of poll, in `day_kind` days."""

    day_kind: DayKind
    notice_of_election: PositiveCount
    nominations_close: PositiveCount
    statement_of_nominations: PositiveCount | None = None
    withdrawals_close: PositiveCount | None = None
    notice_of_poll: PositiveCount | None = None
    deadline_time: TimeOfDay = time(17, 0)
    poll_closes_at: TimeOfDay = time(17, 0)
    non_working_days: tuple[NonWorkingDay, ...] = (
        NonWorkingDay.WEEKENDS,
        NonWorkingDay.BANK_HOLIDAYS,
    )


class Nominations(Strict):
    proposers: Count = 0
    seconders: Count = 0
    proposers_from_electorate: bool = True
    statement_word_limit: PositiveCount | None = None
    candidate_from_electorate: bool = True


class Elections(Strict):
    method: ElectionMethod
    method_options: dict[str, str | int | bool] = {}
    timetable: Timetable
    nominations: Nominations = Nominations()
    when_uncontested: Literal["declare-elected", "hold-approval-vote", "reopen-nominations"]
    unfilled_seats: Literal["left-vacant", "co-opted", "reopen-nominations"] = "left-vacant"
    ties: Literal["lot", "chair-casting-vote"] = "lot"
    channels: tuple[Literal["postal", "internet", "telephone", "text", "in-person"], ...] = (
        "in-person",
    )
    independent_returning_officer: bool = False
    # Roles a returning officer may not also hold for the election to be run by them: they are
    # refused every returning officer's action (roll, codes, poll cards, paper ballots, steps).
    returning_officer_excludes: tuple[
        Literal["officer", "board", "chair", "administrator"], ...
    ] = ("officer",)
    # Ballot secrecy (docs/secrecy.md): ballots are mixed in shuffled batches of at least this
    # many, so no copy of the database links a ballot to its voter better than chance among K.
    secrecy_batch: SecrecyBatch = 20
    # What a voter's receipt proves: that their ballot is in the count ("inclusion"), or also
    # what it says ("contents"), which lets a voter prove their vote to a coercer or a buyer.
    receipts: Literal["inclusion", "contents"] = "inclusion"
