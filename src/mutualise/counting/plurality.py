"""First past the post, single or multi-seat (each voter marks up to `seats` candidates).

As used by the NHS foundation trust Model Election Rules 2014 for FPTP elections: the
candidates with the most votes fill the seats; an equality of votes for the last seat is decided
by lot (the rules' equality-of-votes provision).

A ranked ballot is read as votes for its first `seats` preferences. With `strict=True` it is read
as an X-ballot instead: a paper marking more candidates than there are seats is void (rejected,
counted in `invalid`), as the paper rules require.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ballots import PAD, Profile
from .info import BallotKind, MethodInfo, Parameter
from .result import CountError, CountResult, Stage
from .ties import TieBreaker, choose_top, refuse_tie_order

NAME = "fptp"
ALIASES = ("plurality", "first-past-the-post")
INFO = MethodInfo(
    name="First past the post",
    summary="The candidates with the most votes win; a voter marks up to one per seat",
    ballot=BallotKind.MARKS,
    parameters=(
        Parameter("strict", "true: a paper marking more candidates than seats is void", "false"),
    ),
    rules={"most_votes": ""},
)


def count(
    profile: Profile,
    seats: int | None = None,
    *,
    seed: int | None = None,
    tie_breaker: TieBreaker | None = None,
    strict: bool = False,
    **options: Any,
) -> CountResult:
    if options:
        raise CountError(f"{NAME} takes no options {sorted(options)}")
    refuse_tie_order(profile, INFO.name)
    seats = profile.seats if seats is None else seats
    standing = [c for c in range(profile.n_candidates) if c not in profile.withdrawn]
    check_seats(seats, standing)
    strict = as_flag(strict, "strict")
    breaker = tie_breaker or TieBreaker(seed)
    if not strict:
        profile = profile.strict_prefix()  # `1 2=3`: the first choice is clear, the rest not
    marks = usable_marks(profile)
    marked = (marks != PAD).sum(axis=1)
    void = marked > seats if strict else np.zeros(len(marked), dtype=bool)
    if not strict:
        marks = marks[:, :seats]
    totals = tally(marks[~void], profile.weights[~void], profile.n_candidates)
    valid = int(profile.weights[~void & (marked > 0)].sum())
    invalid = profile.invalid + int(profile.weights[void | (marked == 0)].sum())
    return single_stage_result(NAME, profile, seats, totals, standing, valid, invalid, breaker)


def as_flag(value: Any, name: str) -> bool:
    """A yes/no option, from Python or from the command line's strings."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise CountError(f"{name} must be true or false, not {value!r}")


def check_seats(seats: int, standing: list[int]) -> None:
    if seats < 1:
        raise CountError("seats must be at least 1")
    if seats > len(standing):
        raise CountError(f"{seats} seats but only {len(standing)} standing candidates")


def usable_marks(profile: Profile) -> np.ndarray:
    """Rankings with withdrawn candidates removed and the rest shifted left."""
    marks = profile.rankings.copy()
    if profile.withdrawn:
        withdrawn = np.isin(marks, sorted(profile.withdrawn))
        marks[withdrawn] = PAD
        order = np.argsort(marks == PAD, axis=1, kind="stable")
        marks = np.take_along_axis(marks, order, axis=1)
    return marks


def tally(marks: np.ndarray, weights: np.ndarray, n: int) -> list[int]:
    rows, _ = np.nonzero(marks != PAD)
    totals = np.zeros(n, dtype=np.int64)
    np.add.at(totals, marks[marks != PAD], weights[rows])
    return [int(x) for x in totals]


def single_stage_result(
    method: str,
    profile: Profile,
    seats: int,
    totals: list[int],
    standing: list[int],
    valid: int,
    invalid: int,
    breaker: TieBreaker,
) -> CountResult:
    if valid == 0:
        raise CountError("no valid ballots to count")
    elected = choose_top(totals, standing, seats, breaker, 1, "last seat")
    stage = Stage(1, "count", totals=list(totals), transfers=list(totals), elected=elected)
    return CountResult(
        method=method,
        candidates=list(profile.candidates),
        seats=seats,
        quota=None,
        valid_poll=valid,
        stages=[stage],
        elected=elected,
        invalid=invalid,
        title=profile.title,
        tie_breaks=breaker.records,
        seed=breaker.seed,
        withdrawn=sorted(profile.withdrawn),
    )
