"""How far the share per voter can rise before an MES run can change: Add1's skip.

Add1 (add1.py) raises every voter's share one unit at a time and runs MES again each time. When
the shares must rise a long way before anything changes (a dear project with few supporters),
that is one full run per unit: rounds grow with cost / supporters. But a run is a sequence of
decisions, each a comparison of amounts that are, while no decision changes, affine in the
share s (every voter starts with s; a price is (cost - what the partial payers hold) / full
payers; what is left is the old amount less the price). So one exact pass at s, carrying each
amount as a + b*s, finds the smallest s* >= s at which any comparison of the run could turn:
for every share in [s, s*) the run takes the same decisions and funds the same projects.

The comparisons, per round and per project still in play (mes.run's rule):
- a project not affordable: what its supporters hold < its cost;
- an affordable one: each class of supporters pays all it holds (< the price) or the price
  (<= what it holds): the partition that defines the price;
- the winner: its cost per effective vote against each other affordable project's, and a tie
  only while both move together (the tie rule then decides as before).
A comparison equal at s that moves apart as s rises turns at s itself (s* = s): no skip.
Exact rationals throughout (gmpy2's mpq where present), so the skip changes no result.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .mes import ApprovalProfile, _rational


def _turns(a, b, s0):
    """For a condition a + b*s > 0 (or >= 0) that holds at s0: the least s >= s0 at which it
    may stop holding, or None if it holds for every s >= s0."""
    if b >= 0:
        return None  # constant or rising: it holds at s0, so it holds above
    if a + b * s0 == 0:
        return s0  # equal now and falling: it fails just above s0
    return -a / b  # it falls to 0 there


def stable_until(profile: ApprovalProfile, share: Fraction) -> Fraction | None:
    """The least s* >= share at which MES with s* per voter may decide differently from MES
    with `share` per voter (None: it never does, however high the share). Every share in
    [share, s*) funds the same projects in the same order."""
    s0 = _rational(share.numerator, share.denominator)
    zero, one = _rational(0), _rational(1)
    costs = [_rational(c.numerator, c.denominator) for c in profile.costs]
    if any(c == 0 for c in costs):
        return Fraction(share)  # a free project has no cost per vote to compare: no skip
    approvals = profile.approvals
    val_a, val_b = [zero, zero], [zero, one]  # class 0 holds nothing; class 1 holds s
    cls = np.ones(len(profile.weights), dtype=np.int64)
    remaining = [q for q in range(len(costs)) if approvals[q] > 0]
    limit = None

    def note(turn):
        nonlocal limit
        if turn is not None and (limit is None or turn < limit):
            limit = turn

    while remaining:
        offers = []  # (rho at s0, (rho_a, rho_b), key, price_a, price_b, classes)
        still = []
        for q in remaining:
            sup = profile.supporters[q]
            counts = np.bincount(cls[sup], weights=profile.row_weights[q], minlength=len(val_a))
            present = [(c, int(counts[c])) for c in (np.flatnonzero(counts[1:]) + 1).tolist()]
            cost = costs[q]
            values = {c: val_a[c] + val_b[c] * s0 for c, _ in present}
            total_a = sum((k * val_a[c] for c, k in present), zero)
            total_b = sum((k * val_b[c] for c, k in present), zero)
            if total_a + total_b * s0 < cost:  # not affordable: until its supporters hold it
                note(_turns(cost - total_a, -total_b, s0))
                continue
            # the price: classes in increasing value pay all they hold until the rest can pay
            present.sort(key=lambda ck: values[ck[0]])
            need_a, need_b, payers = cost, zero, approvals[q] - int(counts[0])
            partial = 0
            for c, k in present:
                if values[c] * payers >= need_a + need_b * s0:
                    break
                need_a -= k * val_a[c]
                need_b -= k * val_b[c]
                payers -= k
                partial += 1
            price_a, price_b = need_a / payers, need_b / payers
            for j, (c, _) in enumerate(present):
                if j < partial:  # holds less than the price: price - value > 0
                    note(_turns(price_a - val_a[c], price_b - val_b[c], s0))
                else:  # pays the price: value - price >= 0
                    note(_turns(val_a[c] - price_a, val_b[c] - price_b, s0))
            still.append(q)
            rho = (price_a + price_b * s0) / cost
            key = (rho, cost, -approvals[q], q)
            offers.append((key, price_a / cost, price_b / cost, price_a, price_b, present, partial))
        remaining = still
        if not offers:
            break
        best = min(offers, key=lambda o: o[0])
        for other in offers:
            if other is best:
                continue
            da, db = other[1] - best[1], other[2] - best[2]
            if other[0][0] == best[0][0]:  # tied now: the tie rule holds while they move together
                if db != 0:
                    note(s0)
            else:
                note(_turns(da, db, s0))
        key, _, _, price_a, price_b, present, partial = best
        q = key[3]
        mapping = np.arange(len(val_a), dtype=np.int64)
        for j, (c, _) in enumerate(present):
            if j < partial:
                mapping[c] = 0
                continue
            left_a, left_b = val_a[c] - price_a, val_b[c] - price_b
            if left_a + left_b * s0 == 0 and left_b == 0:
                mapping[c] = 0
                continue
            mapping[c] = len(val_a)
            val_a.append(left_a)
            val_b.append(left_b)
        sup = profile.supporters[q]
        cls[sup] = mapping[cls[sup]]
        remaining.remove(q)
    if limit is None:
        return None
    return Fraction(int(limit.numerator), int(limit.denominator))
