"""Approval voting: every candidate marked on a ballot gets one vote from it; the `seats`
candidates with the most approvals are elected, an equality for the last seat by lot."""

from __future__ import annotations

from typing import Any

from .ballots import PAD, Profile
from .info import BallotKind, MethodInfo
from .plurality import check_seats, single_stage_result, tally, usable_marks
from .result import CountError, CountResult
from .ties import TieBreaker, refuse_tie_order

NAME = "approval"
INFO = MethodInfo(
    name="Approval voting",
    summary="A voter marks every candidate they approve of; the most approved win",
    ballot=BallotKind.MARKS,
    marks_up_to="candidates",
    rules={"most_votes": ""},
)


def count(
    profile: Profile,
    seats: int | None = None,
    *,
    seed: int | None = None,
    tie_breaker: TieBreaker | None = None,
    **options: Any,
) -> CountResult:
    if options:
        raise CountError(f"{NAME} takes no options {sorted(options)}")
    refuse_tie_order(profile, INFO.name)
    seats = profile.seats if seats is None else seats
    standing = [c for c in range(profile.n_candidates) if c not in profile.withdrawn]
    check_seats(seats, standing)
    breaker = tie_breaker or TieBreaker(seed)
    marks = usable_marks(profile)
    has_mark = (marks != PAD).any(axis=1)
    totals = tally(marks, profile.weights, profile.n_candidates)
    valid = int(profile.weights[has_mark].sum())
    invalid = profile.invalid + int(profile.weights[~has_mark].sum())
    return single_stage_result(NAME, profile, seats, totals, standing, valid, invalid, breaker)
