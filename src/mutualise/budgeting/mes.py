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

This exact run is the reference. Counts use fast.py's filtered floating-point run to decide,
and this one (`follow=`) to price the decided projects exactly and check each is affordable.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .pb import PbInstance
from .result import BudgetError

ZERO = Fraction(0)

try:  # GMP rationals: the same exact values as Fraction, several times faster
    from gmpy2 import mpq as _rational
except ImportError:  # pragma: no cover
    _rational = Fraction


def _exact(value) -> Fraction:
    return (
        value
        if isinstance(value, Fraction)
        else Fraction(int(value.numerator), int(value.denominator))
    )


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
    held: dict[int, Fraction] = field(default_factory=dict)  # unfunded: what supporters held

    @property
    def funded(self) -> list[int]:
        return [p.project for p in self.purchases]


def run(profile: ApprovalProfile, per_voter: Fraction, follow: list[int] | None = None) -> MesRun:
    """One MES run with `per_voter` each. Class 0 holds nothing; every row starts in class 1.

    With `follow` (the projects a filtered float run decided, fast.py), only those are priced,
    in that order, exactly: the payments of the run without searching for each round's winner.
    """
    q0 = _rational(0)
    val = [q0, _rational(per_voter.numerator, per_voter.denominator)]
    approx = [0.0, float(per_voter)]  # float(a) <= float(b) whenever a < b: sorts exactly
    cls = np.ones(len(profile.weights), dtype=np.int64)
    costs = [_rational(c.numerator, c.denominator) for c in profile.costs]
    approvals = profile.approvals
    remaining = [q for q in range(len(costs)) if approvals[q] > 0]
    script = list(follow) if follow is not None else None
    purchases: list[Purchase] = []
    held: dict[int, Fraction] = {}
    spent = ZERO
    while remaining:
        best = None
        offers = []
        still = []
        if script is not None:
            if not script:
                break
            remaining = [script.pop(0)]
        for q in remaining:
            sup = profile.supporters[q]
            counts = np.bincount(cls[sup], weights=profile.row_weights[q], minlength=len(val))
            present = (np.flatnonzero(counts[1:]) + 1).tolist()
            present.sort(key=lambda c: (approx[c], val[c]))
            cost = costs[q]
            need, payers = cost, approvals[q] - int(counts[0])
            split = None
            for j, c in enumerate(present):
                if val[c] * payers >= need:
                    split = j
                    break
                k = int(counts[c])
                need -= k * val[c]
                payers -= k
            if split is None:  # supporters hold less than the cost: out for good
                if script is not None:
                    raise AssertionError(f"project {profile.ids[q]} decided but not affordable")
                held[q] = _exact(cost - need)
                continue
            still.append(q)
            price = need / payers
            rho = price / cost if cost else q0
            key = (rho, cost, -approvals[q], q)
            offer = (key, price, present, split, counts)
            offers.append(offer)
            if best is None or key < best[0]:
                best = offer
        remaining = still
        if best is None:
            break
        key, price, present, split, counts = best
        q = key[3]
        mapping = np.arange(len(val), dtype=np.int64)
        partial_payers, partial_paid, full = 0, q0, 0
        for j, c in enumerate(present):
            k = int(counts[c])
            if j < split:
                mapping[c] = 0
                partial_payers += k
                partial_paid += k * val[c]
            else:
                full += k
                left = val[c] - price
                if left == 0:
                    mapping[c] = 0
                    continue
                mapping[c] = len(val)
                val.append(left)
                approx.append(float(left))
        sup = profile.supporters[q]
        cls[sup] = mapping[cls[sup]]
        purchases.append(Purchase(q, _exact(price), full, partial_payers, _exact(partial_paid)))
        spent += profile.costs[q]
        if script is None:
            remaining.remove(q)
    if script is None:
        return MesRun(Fraction(per_voter), purchases, spent, held)
    # what the supporters of each project not funded hold at the end
    for q in range(len(costs)):
        if q not in {p.project for p in purchases} and approvals[q]:
            counts = np.bincount(
                cls[profile.supporters[q]], weights=profile.row_weights[q], minlength=len(val)
            )
            held[q] = _exact(
                sum((int(counts[c]) * val[c] for c in np.flatnonzero(counts[1:]) + 1), q0)
            )
            if held[q] >= costs[q]:
                raise AssertionError(f"project {profile.ids[q]} left out but still affordable")
    return MesRun(Fraction(per_voter), purchases, spent, held)
