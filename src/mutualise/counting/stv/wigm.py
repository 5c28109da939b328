"""Weighted Inclusive Gregory Method (WIGM) STV, in exact rational arithmetic.

The variant: the Scottish rules' framework (Scottish Local Government Elections Order 2007,
Sch 1 rules 45-52; rule numbers below are those) with one change, the one that names the
method: the transfer value of each paper is surplus x value of the paper / candidate's total,
kept as an exact fraction (Python `Fraction`) instead of being cut to five decimal places
(rule 48(3)-(4)). Nothing is rounded anywhere, so no vote is lost: at every stage the totals plus
the non-transferable value equal the valid poll exactly. Everything else follows the Scottish
rules: quota floor(valid / (seats + 1)) + 1 (rule 46); elected on reaching it (rule 47); the
largest surplus first, all the candidate's papers (rules 48-49); otherwise the lowest candidate
is excluded, all papers moving in one stage at their current value (rule 50); ties look back to
the most recent stage where the tied candidates differed, then lot (rules 49(2), 50(2)); the
last vacancies go to the continuing candidates when there are no more of them (rule 52).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import Profile
from ..info import BallotKind, MethodInfo
from ..result import CountError, CountResult, Stage
from ..ties import History, TieBreaker, refuse_tie_order
from .papers import EXHAUSTED, Papers, standing_candidates

NAME = "wigm-stv"
ALIASES = ("wigm",)
INFO = MethodInfo(
    name="Weighted inclusive Gregory STV",
    summary="Single transferable vote as the Scottish rules, with exact transfer values",
    ballot=BallotKind.RANKED,
    rules={
        "quota": "rule 47",
        "surplus": "rule 48",
        "exclusion": "rule 50",
        "last_vacancies": "rule 52",
    },
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
        raise CountError(f"wigm-stv takes no options {sorted(options)}")
    refuse_tie_order(profile, INFO.name)
    return _WigmCount(profile, seats, tie_breaker or TieBreaker(seed)).run()


_ZERO = Fraction(0)


class _WigmCount:
    def __init__(self, profile: Profile, seats: int | None, ties: TieBreaker):
        # Rule 45 "next available preference": an equal ranking ends a paper's usable
        # preferences (a shared first preference makes it invalid).
        self.profile = profile.strict_prefix()
        self.seats = profile.seats if seats is None else seats
        self.ties = ties
        n = self.n = profile.n_candidates
        standing = standing_candidates(profile, self.seats)
        self.continuing = np.zeros(n + 1, dtype=bool)
        self.continuing[standing] = True
        self.papers = Papers(self.profile, 1)  # positions and holders; values kept below
        groups = len(self.papers.weights)
        self.weight = [int(w) for w in self.papers.weights]
        self.value: list[Fraction] = [Fraction(1)] * groups  # of one paper of each group
        self.elected: list[int] = []
        self.pending: list[int] = []
        self.stages: list[Stage] = []
        self.history = History()

    def run(self) -> CountResult:
        rows = np.arange(len(self.weight))
        holders = self.papers.advance(rows, self.continuing)
        unusable = sum(self.weight[i] for i in rows[holders == EXHAUSTED])
        self.valid = sum(self.weight) - unusable
        if self.valid == 0:  # nobody to elect from: no lot among candidates with no votes
            raise CountError("no valid ballots to count")
        # Rule 46: the quota.
        self.quota = self.valid // (self.seats + 1) + 1
        self.totals = [Fraction(0)] * self.n
        gained, _ = self.amounts(rows, holders)
        for c, v in gained.items():
            self.totals[c] += v
        self.record("first", [], [Fraction(0)] * self.n, Fraction(0))
        self.elect_reaching_quota()
        while len(self.elected) < self.seats:
            remaining = self.seats - len(self.elected)
            continuing = self.continuing_candidates()
            # Rule 52: as many continuing candidates as vacancies: all elected.
            if len(continuing) <= remaining:
                self.elect(self.by_total(continuing, "election"))
                break
            if self.pending:
                self.transfer_surplus(self.largest_surplus())
            else:
                self.exclude(self.lowest(continuing))
            self.elect_reaching_quota()
        return self.result(unusable)

    def continuing_candidates(self) -> list[int]:
        return [int(c) for c in np.flatnonzero(self.continuing[: self.n])]

    def amounts(self, rows, holders) -> tuple[dict[int, Fraction], Fraction]:
        gained: dict[int, Fraction] = defaultdict(Fraction)
        exhausted = Fraction(0)
        for i, h in zip(rows.tolist(), holders.tolist(), strict=True):
            amount = self.weight[i] * self.value[i]
            if h == EXHAUSTED:
                exhausted += amount
            else:
                gained[h] += amount
        return gained, exhausted

    # -- rule 47: elected on reaching the quota ------------------------------------------------
    def elect_reaching_quota(self) -> None:
        reached = [c for c in self.continuing_candidates() if self.totals[c] >= self.quota]
        self.elect(self.by_total(reached, "order of election"))
        self.pending += [c for c in reached if self.totals[c] > self.quota]

    def elect(self, candidates: list[int]) -> None:
        for c in candidates:
            self.continuing[c] = False
            self.elected.append(c)
            self.stages[-1].elected.append(c)

    def by_total(self, candidates: list[int], purpose: str) -> list[int]:
        ordered: list[int] = []
        left = list(candidates)
        while left:
            top = max(self.totals[c] for c in left)
            tied = [c for c in left if self.totals[c] == top]
            pick = tied[0] if len(tied) == 1 else self.break_tie(tied, purpose, lowest=False)
            ordered.append(pick)
            left.remove(pick)
        return ordered

    def break_tie(self, tied: list[int], purpose: str, *, lowest: bool) -> int:
        # The order of election belongs to the stage just counted; a tie for surplus order or
        # exclusion decides the next stage, and is noted there.
        stage = len(self.stages) + (purpose in ("surplus order", "exclusion"))
        return self.ties.look_back(tied, self.history[:-1], stage, purpose, lowest=lowest)

    # -- rules 48-49: the largest surplus, from all the candidate's papers, exactly ------------
    def largest_surplus(self) -> int:
        top = max(self.totals[c] for c in self.pending)
        tied = [c for c in self.pending if self.totals[c] == top]
        pick = tied[0] if len(tied) == 1 else self.break_tie(tied, "surplus order", lowest=False)
        self.pending.remove(pick)
        return pick

    def transfer_surplus(self, candidate: int) -> None:
        total = self.totals[candidate]
        surplus = total - self.quota
        rows = self.papers.held_by(candidate)
        factor = surplus / total
        for i in rows.tolist():
            self.value[i] *= factor  # weighted inclusive Gregory: value x surplus / total
        holders = self.papers.advance(rows, self.continuing)
        self.move("surplus", candidate, rows, holders, Fraction(self.quota))
        self.stages[-1].transfer_value = factor

    # -- rule 50: exclusion of the lowest -------------------------------------------------------
    def lowest(self, continuing: list[int]) -> int:
        bottom = min(self.totals[c] for c in continuing)
        tied = [c for c in continuing if self.totals[c] == bottom]
        return tied[0] if len(tied) == 1 else self.break_tie(tied, "exclusion", lowest=True)

    def exclude(self, candidate: int) -> None:
        self.continuing[candidate] = False
        rows = self.papers.held_by(candidate)
        holders = self.papers.advance(rows, self.continuing)
        self.move("exclusion", candidate, rows, holders, Fraction(0))
        self.stages[-1].excluded.append(candidate)

    def move(self, action: str, candidate: int, rows, holders, left: Fraction) -> None:
        gained, exhausted = self.amounts(rows, holders)
        before = list(self.totals)
        for c, v in gained.items():
            self.totals[c] += v
        self.totals[candidate] = left
        # (A total not touched is the same object: subtracting exact fractions is slow.)
        change = [_ZERO if a is b else a - b for a, b in zip(self.totals, before, strict=True)]
        self.record(action, [candidate], change, exhausted)

    def record(self, action: str, subjects: list[int], change, exhausted: Fraction) -> None:
        self.history.append(list(self.totals))
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                action=action,
                subjects=subjects,
                totals=list(self.totals),
                transfers=change,
                non_transferable=exhausted,
                loss=Fraction(0),
            )
        )

    def result(self, unusable: int) -> CountResult:
        return CountResult(
            method=NAME,
            candidates=list(self.profile.candidates),
            seats=self.seats,
            quota=self.quota,
            valid_poll=self.valid,
            stages=self.stages,
            elected=self.elected,
            invalid=self.profile.invalid + unusable,
            title=self.profile.title,
            decimals=0,
            tie_breaks=self.ties.records,
            seed=self.ties.seed,
            withdrawn=sorted(self.profile.withdrawn),
        )
