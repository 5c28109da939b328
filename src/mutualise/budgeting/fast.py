"""MES decisions in floating point, filtered so that they are exact.

The run is mes.run's rule step by step, in float64 with numpy, plus a bound on its error: every
voter's float budget is within `err` of the exact one, and every price within a bound derived
from it. A decision (is a project affordable, which project wins) is taken only when the float
values are further apart than their error bounds, so the exact run would take the same one;
when they are not, `Ambiguous` is raised and the caller counts that share exactly (mes.run).
Ties that are exact (supporters who all pay the same price, so effective votes = a whole number
of supporters) are recognised as such and go to the tie rule, as in the exact run.

Speed: a project's price only rises during a run (budgets only fall), so a price computed in an
earlier round is an upper bound on its effective votes; only projects at the top are recomputed
(the "lazy" evaluation of fast MES implementations). A price is found by fixed-point iteration:
start with everyone paying cost / supporters; voters who cannot pay that pay all they have, and
the rest share what is missing; repeat until no one else drops out (it rises monotonically to
the exact price, usually in one to three passes).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import kernel
from .mes import ApprovalProfile

ROUNDING = 2.3e-16  # float rounding, relative, per term of a sum (2 ulp: worst case, not typical)


class Ambiguous(Exception):
    """A decision too close to call in floating point: count this share exactly."""


@dataclass
class FloatProfile:
    costs: list[float]
    supporters: list[np.ndarray]
    weights: list[np.ndarray]
    totals: list[float]
    order: list[int]  # projects by the tie rule: cheaper, then more supporters, then listed first
    ids: list[str]
    rows: int
    # the same supporters as one CSR array, for the compiled kernel
    indptr: np.ndarray | None = None
    members: np.ndarray | None = None
    member_weights: np.ndarray | None = None
    cost_array: np.ndarray | None = None
    total_array: np.ndarray | None = None
    order_array: np.ndarray | None = None


def float_profile(profile: ApprovalProfile) -> FloatProfile:
    order = sorted(
        range(len(profile.ids)), key=lambda q: (profile.costs[q], -profile.approvals[q], q)
    )
    lengths = [len(x) for x in profile.supporters]
    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(lengths)
    members = np.concatenate(profile.supporters) if lengths else np.zeros(0, dtype=np.int64)
    return FloatProfile(
        indptr=indptr,
        members=members.astype(np.int64),
        member_weights=profile.weights[members].astype(np.float64),
        cost_array=np.array([float(c) for c in profile.costs]),
        total_array=np.array([float(a) for a in profile.approvals]),
        order_array=np.array(order, dtype=np.int64),
        costs=[float(c) for c in profile.costs],
        supporters=profile.supporters,
        weights=profile.row_weights,
        totals=[float(a) for a in profile.approvals],
        order=order,
        ids=profile.ids,
        rows=len(profile.weights),
    )


def decide(fp: FloatProfile, share: Fraction, compiled: bool = True) -> list[int]:
    """The projects MES funds with `share` per voter, in order; raises Ambiguous."""
    if compiled and kernel.decide_compiled is not None:
        s = float(share)
        funded, count, status = kernel.decide_compiled(
            fp.indptr,
            fp.members,
            fp.member_weights,
            fp.cost_array,
            fp.total_array,
            fp.order_array,
            fp.rows,
            s,
            float(abs(Fraction(s) - share)),
        )
        if status != kernel.OK:
            raise Ambiguous("a call too close for floating point")
        return [int(q) for q in funded[:count]]
    return decide_numpy(fp, share)


def decide_numpy(fp: FloatProfile, share: Fraction) -> list[int]:
    s = float(share)
    budget = np.full(fp.rows, s)
    doubtful = np.zeros(fp.rows, dtype=bool)  # rows near a price when they paid it
    # |float budget - exact budget| for each row; exactly 0 for a row emptied by a clear call
    row_err = np.full(fp.rows, float(abs(Fraction(s) - share)))
    order = fp.order  # projects by tie rank: np.argmax picks the first of equal bounds
    # By rank: an upper bound on each project's effective votes (-inf: out), and its slack.
    # (Effective votes never exceed the number of supporters.)
    bound = np.array([fp.totals[q] if fp.totals[q] > 0 else -np.inf for q in order])
    slack = np.zeros(len(order))
    fresh: dict[int, tuple[float, float, float, bool]] = {}  # rank -> votes, price, err, whole
    funded: list[int] = []

    def price(r: int) -> None:
        """Recompute the project ranked r: its effective votes and their error bound."""
        q = order[r]
        sup, w, cost, weight = fp.supporters[q], fp.weights[q], fp.costs[q], fp.totals[q]
        b = budget[sup]
        e = row_err[sup]
        total = float(w @ b)
        rounding = ROUNDING * (len(sup) + 8)
        gap = total - cost
        if abs(gap) <= float(w @ e) + rounding * (total + cost):
            raise Ambiguous(f"project {fp.ids[q]}: its supporters hold about its cost")
        if gap < 0:  # out for good: budgets only fall
            bound[r] = -np.inf
            return
        alpha, dropped, poor = cost / weight, 0, None
        paying, poor_money = weight, 0.0
        while True:
            now = b < alpha
            count = int(np.count_nonzero(now))
            if count == dropped:
                break
            dropped, poor = count, now
            wp = w[poor]
            paying = weight - float(wp.sum())
            poor_money = float(wp @ b[poor])
            alpha = (cost - poor_money) / paying
        # The exact price is within alpha_err of this one. Only the budgets of those who pay
        # all they have move it (the others pay the price whatever they hold); each budget is
        # within its row_err of the exact one; and the payments grow at least as fast as the
        # weight of those who hold more than the price. Voters within `band` count as both.
        band = 2 * float(e.max()) + 1e-9 * alpha
        low = b < alpha + band
        steady = weight - float(w[low].sum())
        if steady <= 0:
            raise Ambiguous(f"project {fp.ids[q]}: its price is too close to its supporters' money")
        alpha_err = (float(w[low] @ e[low]) + rounding * cost) / steady
        if alpha_err > band / 2:
            raise Ambiguous(f"project {fp.ids[q]}: its price is too uncertain in floating point")
        whole = (
            poor_money == 0.0
            and not bool((np.abs(b - alpha) <= alpha_err + e).any())
            and not bool(doubtful[sup].any())
        )
        if whole:  # all who pay, pay the same: effective votes are exactly their number
            votes, votes_slack = paying, 0.0
        else:
            votes = cost / alpha
            votes_slack = votes * (alpha_err / alpha + ROUNDING * 4)
        bound[r], slack[r] = votes, votes_slack
        fresh[r] = (votes, alpha, alpha_err, whole)

    while True:
        while True:
            top = int(np.argmax(bound))
            if bound[top] == -np.inf:
                return funded
            if top not in fresh:
                price(top)
                continue
            votes, alpha, alpha_err, whole = fresh[top]
            near = np.flatnonzero(bound + slack >= votes - slack[top])
            rivals = [int(r) for r in near if r != top]
            stale = [r for r in rivals if r not in fresh]
            for r in stale:
                price(r)
            if stale:
                continue
            for r in rivals:  # within each other's error bounds: only an exact tie is decidable
                if not (whole and fresh[r][3] and fresh[r][0] == votes):
                    raise Ambiguous(
                        f"projects {fp.ids[order[top]]} and {fp.ids[order[r]]}: "
                        "effective votes too close to call in floating point"
                    )
            break
        q = order[top]
        sup = fp.supporters[q]
        b = budget[sup]
        e = row_err[sup]
        near_price = np.abs(b - alpha) <= alpha_err + e
        doubtful[sup[near_price]] = True
        budget[sup] = np.maximum(b - alpha, 0.0)
        # those who paid the price carry its error; those clearly emptied hold exactly 0
        row_err[sup] = np.where((b < alpha) & ~near_price, 0.0, e + alpha_err)
        funded.append(q)
        bound[top] = -np.inf
        fresh.clear()
