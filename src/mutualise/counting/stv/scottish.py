"""Scottish STV: the Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1,
rules 45-52; re-made without change to the count as SSI 2011/399, rules 46-53 (add one to the
numbers cited below).

A weighted inclusive Gregory method: a surplus is passed on from all of the candidate's papers,
each at a transfer value computed per paper to five decimal places, the remainder ignored. All
arithmetic is in integer hundred-thousandths of a vote, so it is exactly the law's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from ..ballots import Profile
from ..info import BallotKind, MethodInfo
from ..result import CountError, CountResult, Stage, Value
from ..ties import History, TieBreaker, refuse_tie_order
from .papers import EXHAUSTED, Papers, VotesShown, standing_candidates, sum_by_candidate

NAME = "scottish-stv"
ALIASES = ("scottish",)
INFO = MethodInfo(
    name="Scottish STV",
    summary="Single transferable vote as Scottish councils count it (SSI 2007/42, rules 45-52)",
    ballot=BallotKind.RANKED,
    rules={
        "quota": "rule 47",
        "surplus": "rule 48",
        "exclusion": "rule 50",
        "last_vacancies": "rule 52(1)",
    },
)
PLACES = 5
UNIT = 10**PLACES  # one vote, in hundred-thousandths


def count(
    profile: Profile,
    seats: int | None = None,
    *,
    seed: int | None = None,
    tie_breaker: TieBreaker | None = None,
    **options: Any,
) -> CountResult:
    if options:
        raise CountError(f"scottish-stv takes no options {sorted(options)}")
    refuse_tie_order(profile, INFO.name)
    return _ScottishCount(profile, seats, tie_breaker or TieBreaker(seed)).run()


class _ScottishCount:
    def __init__(self, profile: Profile, seats: int | None, ties: TieBreaker):
        # Preferences count only "in consecutive order" (the rules' "next available preference"):
        # an equal ranking ends a paper's usable preferences.
        self.profile = profile.strict_prefix()
        self.seats = profile.seats if seats is None else seats
        self.ties = ties
        n = self.n = profile.n_candidates
        standing = standing_candidates(profile, self.seats)
        self.continuing = np.zeros(n + 1, dtype=bool)  # the extra last entry stands for padding
        self.continuing[standing] = True
        self.papers = Papers(self.profile, UNIT)
        self.elected: list[int] = []
        self.pending: list[int] = []  # elected with a surplus not yet transferred
        self.stages: list[Stage] = []
        self.history = History()
        self.shown = VotesShown(PLACES)

    # -- rules 45-47: first stage, quota, candidates with a quota deemed elected -------------
    def run(self) -> CountResult:
        papers = self.papers
        all_rows = np.arange(len(papers.weights))
        holders = papers.advance(all_rows, self.continuing)
        # Papers marked only for withdrawn candidates carry no valid first preference.
        unusable = int(papers.weights[holders == EXHAUSTED].sum())
        self.valid = int(papers.weights.sum()) - unusable
        if self.valid == 0:
            raise CountError("no valid ballots to count")
        # Quota: valid papers / (seats + 1), plus one, fractions disregarded.
        self.quota_votes = self.valid // (self.seats + 1) + 1
        self.quota = self.quota_votes * UNIT
        self.totals = sum_by_candidate(holders, papers.amounts(all_rows), self.n)
        self.record("first", [], np.zeros(self.n, np.int64), 0, 0)
        self.elect_reaching_quota()
        while len(self.elected) < self.seats:
            remaining = self.seats - len(self.elected)
            continuing = self.continuing_candidates()
            # Rule 52(1): as many continuing candidates as vacancies: all deemed elected, and
            # (rule 52(2)) no further transfer is made.
            if len(continuing) <= remaining:
                self.elect(self.by_total(continuing))
                break
            if self.pending:
                self.transfer_surplus(self.largest_surplus())
            else:
                self.exclude(self.lowest(continuing))
            self.elect_reaching_quota()
        return self.result(unusable)

    def continuing_candidates(self) -> list[int]:
        return np.flatnonzero(self.continuing[: self.n]).tolist()

    def elect_reaching_quota(self) -> None:
        reached = [c for c in self.continuing_candidates() if self.totals[c] >= self.quota]
        self.elect(self.by_total(reached))
        self.pending += [c for c in self.elected if self.totals[c] > self.quota and c in reached]

    def elect(self, candidates: list[int]) -> None:
        for c in candidates:
            self.continuing[c] = False
            self.elected.append(c)
            self.stages[-1].elected.append(c)

    def by_total(self, candidates: list[int]) -> list[int]:
        """Order of election within a stage: highest total first. Equal totals keep ballot
        order: who is elected does not depend on it, and the order in which equal surpluses
        are transferred is settled separately (rule 49)."""
        return sorted(candidates, key=lambda c: (-int(self.totals[c]), c))

    def break_tie(self, tied: list[int], purpose: str, *, lowest: bool) -> int:
        # Look back to the most recent preceding stage at which the tied candidates had unequal
        # votes; equal at every stage: decided by lot. Both ties (surplus order, exclusion)
        # decide what the next stage does, so they are noted on that stage.
        return self.ties.look_back(
            tied, self.history[:-1], len(self.stages) + 1, purpose, lowest=lowest
        )

    # -- rule 49: surpluses in order of size, the largest first; equal surpluses by look-back,
    # then lot ------------------------------------------------------------------------------
    def largest_surplus(self) -> int:
        top = max(self.totals[c] for c in self.pending)
        tied = [c for c in self.pending if self.totals[c] == top]
        pick = tied[0] if len(tied) == 1 else self.break_tie(tied, "surplus order", lowest=False)
        self.pending.remove(pick)
        return pick

    # -- rule 48: transfer of a surplus from all the candidate's papers ------------------------
    def transfer_surplus(self, candidate: int) -> None:
        papers = self.papers
        total = int(self.totals[candidate])
        surplus = total - self.quota
        rows = papers.held_by(candidate)
        # 48(3)-(4): transfer value = surplus x value of the paper when received / total votes
        # credited to the candidate, to five decimal places, any remainder ignored.
        papers.value[rows] = (surplus * papers.value[rows]) // total
        holders = papers.advance(rows, self.continuing)
        amounts = papers.amounts(rows)
        gained = sum_by_candidate(holders, amounts, self.n)
        exhausted = int(amounts[holders == EXHAUSTED].sum())
        before = self.totals.copy()
        self.totals += gained
        self.totals[candidate] = self.quota
        loss = surplus - int(gained.sum()) - exhausted
        self.record("surplus", [candidate], self.totals - before, exhausted, loss)
        self.stages[-1].transfer_value = Decimal(surplus * UNIT // total).scaleb(-PLACES)

    # -- rule 50: exclusion of the candidate with the fewest votes -----------------------------
    def lowest(self, continuing: list[int]) -> int:
        bottom = min(self.totals[c] for c in continuing)
        tied = [c for c in continuing if self.totals[c] == bottom]
        return tied[0] if len(tied) == 1 else self.break_tie(tied, "exclusion", lowest=True)

    def exclude(self, candidate: int) -> None:
        papers = self.papers
        self.continuing[candidate] = False
        rows = papers.held_by(candidate)
        # Every paper moves in one stage at the value at which the candidate received it.
        holders = papers.advance(rows, self.continuing)
        amounts = papers.amounts(rows)
        gained = sum_by_candidate(holders, amounts, self.n)
        exhausted = int(amounts[holders == EXHAUSTED].sum())
        before = self.totals.copy()
        self.totals += gained
        self.totals[candidate] = 0
        loss = int(before[candidate]) - int(gained.sum()) - exhausted
        self.record("exclusion", [candidate], self.totals - before, exhausted, loss)
        self.stages[-1].excluded.append(candidate)

    # -- the record -------------------------------------------------------------------------
    def record(self, action: str, subjects: list[int], change, exhausted: int, loss: int) -> None:
        self.history.append(self.totals.copy())
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                action=action,
                subjects=subjects,
                totals=self.shown.of(self.totals),
                transfers=self.shown.of(change),
                non_transferable=_votes(exhausted),
                loss=_votes(loss),
            )
        )

    def result(self, unusable: int) -> CountResult:
        return CountResult(
            method=NAME,
            candidates=list(self.profile.candidates),
            seats=self.seats,
            quota=self.quota_votes,
            valid_poll=self.valid,
            stages=self.stages,
            elected=self.elected,
            invalid=self.profile.invalid + unusable,
            title=self.profile.title,
            decimals=PLACES,
            tie_breaks=self.ties.records,
            seed=self.ties.seed,
            withdrawn=sorted(self.profile.withdrawn),
        )


def _votes(units: Any) -> Value:
    return Decimal(int(units)).scaleb(-PLACES)
