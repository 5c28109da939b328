"""The alternative vote (instant-runoff), one seat.

Each stage a candidate with more than half of the votes on continuing papers is elected;
otherwise the candidate with the fewest votes is excluded and each of their papers passes at
full value to its next preference for a continuing candidate. Equal lowest: look back to the most
recent stage at which they differed, then lot (as in Scottish STV). Whole votes, exact integers.
Equal rankings end a paper's usable preferences (as for the statutory STV rules).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ballots import Profile
from .info import BallotKind, MethodInfo
from .plurality import check_seats
from .result import CountError, CountResult, Stage
from .stv.papers import EXHAUSTED, Papers, sum_by_candidate
from .ties import History, TieBreaker, refuse_tie_order

NAME = "irv"
ALIASES = ("av", "alternative-vote", "instant-runoff")
INFO = MethodInfo(
    name="Alternative vote",
    summary="One seat: the lowest is excluded until someone has more than half the votes",
    ballot=BallotKind.RANKED,
    rules={"majority": "", "exclusion": ""},
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
    if seats != 1:
        raise CountError(
            f"the alternative vote fills one seat, not {seats}; use an STV method for more"
        )
    profile = profile.strict_prefix()
    n = profile.n_candidates
    standing = [c for c in range(n) if c not in profile.withdrawn]
    check_seats(seats, standing)
    breaker = tie_breaker or TieBreaker(seed)
    continuing = np.zeros(n + 1, dtype=bool)
    continuing[standing] = True
    papers = Papers(profile, 1)
    rows = np.arange(len(papers.weights))
    holders = papers.advance(rows, continuing)
    unusable = int(papers.weights[holders == EXHAUSTED].sum())
    if unusable == int(papers.weights.sum()):
        raise CountError("no valid ballots to count")
    totals = sum_by_candidate(holders, papers.weights, n)
    history = History([totals.copy()])
    stages = [Stage(1, "first", totals=_ints(totals), transfers=_ints(totals))]
    elected: list[int] = []
    while True:
        alive = [int(c) for c in np.flatnonzero(continuing[:n])]
        active = int(totals[alive].sum())
        top = max(alive, key=lambda c: totals[c])
        if 2 * totals[top] > active or len(alive) == 1:
            elected = [top]
            stages[-1].elected.append(top)
            break
        bottom = min(totals[c] for c in alive)
        tied = [c for c in alive if totals[c] == bottom]
        loser = tied[0]
        if len(tied) > 1:
            # The exclusion is the next stage: the tie is noted there.
            loser = breaker.look_back(tied, history[:-1], len(stages) + 1, "exclusion", lowest=True)
        continuing[loser] = False
        moving = papers.held_by(loser)
        new_holders = papers.advance(moving, continuing)
        amounts = papers.weights[moving]
        gained = sum_by_candidate(new_holders, amounts, n)
        before = totals.copy()
        totals += gained
        totals[loser] = 0
        history.append(totals.copy())
        exhausted = int(amounts[new_holders == EXHAUSTED].sum())
        stages.append(
            Stage(
                len(stages) + 1,
                "exclusion",
                subjects=[loser],
                totals=_ints(totals),
                transfers=_ints(totals - before),
                non_transferable=exhausted,
                excluded=[loser],
            )
        )
    return CountResult(
        method=NAME,
        candidates=list(profile.candidates),
        seats=1,
        quota=None,
        valid_poll=int(papers.weights.sum()) - unusable,
        stages=stages,
        elected=elected,
        invalid=profile.invalid + unusable,
        title=profile.title,
        tie_breaks=breaker.records,
        seed=breaker.seed,
        withdrawn=sorted(profile.withdrawn),
    )


def _ints(values: np.ndarray) -> list[int]:
    return [int(x) for x in values]
