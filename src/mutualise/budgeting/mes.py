"""The Method of Equal Shares (MES) with cost utilities on approval ballots, in exact fractions.

One run with a share `s` per voter (pabulib's definition, README of the conformance data):
1. every voter holds s;
2. a project not yet funded is affordable if its supporters together still hold its cost;
3. its price per supporter `alpha` is the amount at which each supporter pays min(own money,
   alpha) and the payments add up to exactly the cost;
4. fund the affordable project with the smallest alpha / cost (the most "effective votes",
   cost / alpha); its supporters pay; repeat until no project is affordable.
Ties in step 4: the cheaper project, then the one with more supporters, then the one listed first
in the file (pabulib's rule, with file order last so the count is always determined).

Speed, exactly: voters with the same ballot are one weighted row, and rows holding the same
amount form a class, so a price is computed over a few classes, not thousands of voters.

`track=True` also proves for how far above `s` the run would make the very same decisions
(`stable_until`): every amount in the run is linear in s between breakpoints (each voter starts
with s; a price is (cost - what the poorer supporters hold) / the number of the others), so each
comparison the run made has a slope, and it keeps its sense until its two sides meet. Add1 uses
this to skip shares whose outcome is proved identical (add1.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .pb import PbInstance
from .result import BudgetError

INF = float("inf")
ZERO = Fraction(0)
TIE_RULE = (
    "equal effective votes: the cheaper project, then the one with more supporters, "
    "then the one listed first in the file"
)


@dataclass
class ApprovalProfile:
    ids: list[str]  # project ids in file order
    costs: list[Fraction]
    supporters: list[np.ndarray]  # per project: the rows (distinct ballots) that approve it
    weights: np.ndarray  # voters per row
    approvals: list[int]  # supporters per project
    n: int  # voters
    row_weights: list[np.ndarray] = field(default_factory=list)  # weights[supporters[q]]


def approval_profile(instance: PbInstance) -> ApprovalProfile:
    if instance.vote_type not in ("approval", "choose-1"):
        raise BudgetError(
            f"{instance.source}: equal shares here counts approval ballots, not {instance.vote_type}"
        )
    index = {p.id: i for i, p in enumerate(instance.projects)}
    rows = Counter(frozenset(index[pid] for pid in v.projects) for v in instance.votes)
    ballots = list(rows)
    weights = np.array([rows[b] for b in ballots], dtype=np.int64)
    members: list[list[int]] = [[] for _ in instance.projects]
    for r, ballot in enumerate(ballots):
        for q in ballot:
            members[q].append(r)
    supporters = [np.array(m, dtype=np.int64) for m in members]
    return ApprovalProfile(
        ids=[p.id for p in instance.projects],
        costs=[p.cost for p in instance.projects],
        supporters=supporters,
        weights=weights,
        approvals=[int(weights[s].sum()) for s in supporters],
        n=len(instance.votes),
        row_weights=[weights[s].astype(np.float64) for s in supporters],
    )


@dataclass
class Purchase:
    project: int
    price: Fraction  # what each supporter who could afford it paid
    full_payers: int
    partial_payers: int  # paid all they had left, which was less than the price
    partial_paid: Fraction


@dataclass
class MesRun:
    per_voter: Fraction
    purchases: list[Purchase]
    spent: Fraction
    stable_until: Fraction | float = INF  # same decisions for every share in [per_voter, this)
    held: dict[int, Fraction] = field(default_factory=dict)  # unfunded: what supporters held

    @property
    def funded(self) -> list[int]:
        return [p.project for p in self.purchases]


class _Limit:
    """The least share above s at which one of the run's comparisons could change sense."""

    def __init__(self, s: Fraction):
        self.s, self.at = s, INF

    def stays_nonnegative(self, value: Fraction, slope: Fraction) -> None:
        if slope < 0:
            self.at = min(self.at, self.s + value / -slope)

    def stays_nonpositive(self, value: Fraction, slope: Fraction) -> None:
        if slope > 0:
            self.at = min(self.at, self.s - value / slope)


def run(profile: ApprovalProfile, per_voter: Fraction, track: bool = False) -> MesRun:
    """One MES run with `per_voter` each. Class 0 holds nothing; every row starts in class 1."""
    val = [ZERO, Fraction(per_voter)]
    slope = [ZERO, Fraction(1)]  # d(amount)/d(share)
    approx = [0.0, float(per_voter)]  # float(a) <= float(b) whenever a < b: sorts exactly
    cls = np.ones(len(profile.weights), dtype=np.int64)
    limit = _Limit(Fraction(per_voter))
    costs, approvals = profile.costs, profile.approvals
    remaining = [q for q in range(len(costs)) if approvals[q] > 0]
    purchases: list[Purchase] = []
    held: dict[int, Fraction] = {}
    spent = ZERO
    while remaining:
        best = None
        offers = []
        still = []
        for q in remaining:
            sup = profile.supporters[q]
            counts = np.bincount(cls[sup], weights=profile.row_weights[q], minlength=len(val))
            present = (np.flatnonzero(counts[1:]) + 1).tolist()
            present.sort(key=lambda c: (approx[c], val[c]))
            cost = costs[q]
            need, payers, poor_slope = cost, approvals[q] - int(counts[0]), ZERO
            split = None
            for j, c in enumerate(present):
                if val[c] * payers >= need:
                    split = j
                    break
                k = int(counts[c])
                need -= k * val[c]
                payers -= k
                poor_slope += k * slope[c]
            if split is None:  # supporters hold less than the cost: out for good
                held[q] = cost - need
                if track:
                    limit.stays_nonnegative(need, -poor_slope)
                continue
            still.append(q)
            price = need / payers
            price_slope = -poor_slope / payers
            rho = price / cost if cost else ZERO
            key = (rho, cost, -approvals[q], q)
            offer = (key, price, price_slope, present, split, counts)
            offers.append(offer)
            if best is None or key < best[0]:
                best = offer
        remaining = still
        if best is None:
            break
        key, price, price_slope, present, split, counts = best
        q = key[3]
        if track:
            # The winner's payments shape every later budget: who pays all they have and who
            # pays the price must stay so, for its amounts to stay linear in the share.
            for j, c in enumerate(present):
                if j < split:
                    limit.stays_nonpositive(val[c] - price, slope[c] - price_slope)
                else:
                    limit.stays_nonnegative(val[c] - price, slope[c] - price_slope)
            # A loser's price, extended linearly, never exceeds its true price at another share
            # (it assumes each supporter pays at least as much as they really would), so it is
            # enough that the winner stays ahead of that.
            cost = costs[q]
            for other in offers:
                if other is best:
                    continue
                c2 = costs[other[0][3]]
                diff = price / cost - other[1] / c2 if cost and c2 else ZERO
                # a win (or a tie won on the tie rule) must not turn into a loss:
                limit.stays_nonpositive(diff, price_slope / cost - other[2] / c2 if cost else ZERO)
        mapping = np.arange(len(val), dtype=np.int64)
        partial_payers, partial_paid, full = 0, ZERO, 0
        for j, c in enumerate(present):
            k = int(counts[c])
            if j < split:
                mapping[c] = 0
                partial_payers += k
                partial_paid += k * val[c]
            else:
                full += k
                left, left_slope = val[c] - price, slope[c] - price_slope
                if left == 0 and left_slope == 0:
                    mapping[c] = 0
                    continue
                mapping[c] = len(val)
                val.append(left)
                slope.append(left_slope)
                approx.append(float(left))
        sup = profile.supporters[q]
        cls[sup] = mapping[cls[sup]]
        purchases.append(Purchase(q, price, full, partial_payers, partial_paid))
        spent += costs[q]
        remaining.remove(q)
    return MesRun(Fraction(per_voter), purchases, spent, limit.at, held)
