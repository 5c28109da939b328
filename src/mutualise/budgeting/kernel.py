"""fast.decide compiled with numba, when numba is installed: the same steps and the same error
bounds as the numpy version in fast.py (tests check that the two agree), written as loops.

`decide_compiled(...)` returns (funded projects in order, count, status); status 0 = done,
1 = a call too close for floating point (the caller counts that share exactly).
"""

from __future__ import annotations

import numpy as np

try:
    from numba import njit
except ImportError:  # pragma: no cover - numba is optional; fast.py falls back to numpy
    njit = None

ROUNDING = 2.3e-16
OK, AMBIGUOUS = 0, 1


def _price(r, q, indptr, rows, wts, cost, weight, budget, row_err, doubtful, out):
    """Recompute project q (rank r). out = [votes, slack, price, price_err, whole, affordable];
    out[2] - out[3] from an earlier round is a lower bound on the price now (prices only rise),
    so the search starts there."""
    lo, hi = indptr[q], indptr[q + 1]
    alpha = max(cost / weight, out[2] - out[3])
    total = 0.0
    total_err = 0.0
    emax = 0.0
    count = 0
    wsum = 0.0
    money = 0.0
    for i in range(lo, hi):
        j = rows[i]
        b = budget[j]
        w = wts[i]
        e = row_err[j]
        total += w * b
        total_err += w * e
        if e > emax:
            emax = e
        if b < alpha:
            count += 1
            wsum += w
            money += w * b
    rounding = ROUNDING * (hi - lo + 8)
    gap = total - cost
    if abs(gap) <= total_err + rounding * (total + cost):
        return AMBIGUOUS
    if gap < 0:
        out[5] = 0.0
        return OK
    out[5] = 1.0
    # Fixed point: those below the price pay all they have, the others share what is missing.
    while True:
        paying = weight - wsum
        alpha = (cost - money) / paying
        band = 2 * emax + 1e-9 * alpha
        count2 = 0
        wsum2 = 0.0
        money2 = 0.0
        low_w = 0.0
        low_err = 0.0
        near = False
        for i in range(lo, hi):
            j = rows[i]
            b = budget[j]
            w = wts[i]
            if b < alpha:
                count2 += 1
                wsum2 += w
                money2 += w * b
            if b < alpha + band:
                low_w += w
                low_err += w * row_err[j]
            if abs(b - alpha) <= band or doubtful[j]:
                near = True
        if count2 == count:
            break
        count, wsum, money = count2, wsum2, money2
    steady = weight - low_w
    if steady <= 0:
        return AMBIGUOUS
    alpha_err = (low_err + rounding * cost) / steady
    if alpha_err > band / 2:
        return AMBIGUOUS
    whole = money == 0.0 and not near
    if whole:
        out[0] = paying
        out[1] = 0.0
    else:
        out[0] = cost / alpha
        out[1] = out[0] * (alpha_err / alpha + ROUNDING * 4)
    out[2] = alpha
    out[3] = alpha_err
    out[4] = 1.0 if whole else 0.0
    return OK


def _decide(indptr, rows, wts, costs, totals, order, nrows, share, share_err):
    n = order.shape[0]
    budget = np.full(nrows, share)
    row_err = np.full(nrows, share_err)
    doubtful = np.zeros(nrows, dtype=np.bool_)
    bound = np.empty(n)
    slack = np.zeros(n)
    fresh = np.zeros(n, dtype=np.bool_)
    info = np.zeros((n, 6))  # by rank: votes, slack, price, price_err, whole, affordable
    for r in range(n):  # effective votes never exceed the number of supporters
        bound[r] = totals[order[r]] if totals[order[r]] > 0 else -np.inf
    funded = np.full(n, -1, dtype=np.int64)
    nfunded = 0
    while True:
        while True:
            top = int(np.argmax(bound))
            if bound[top] == -np.inf:
                return funded, nfunded, OK
            if not fresh[top]:
                q = order[top]
                if (
                    _price(
                        top,
                        q,
                        indptr,
                        rows,
                        wts,
                        costs[q],
                        totals[q],
                        budget,
                        row_err,
                        doubtful,
                        info[top],
                    )
                    == AMBIGUOUS
                ):
                    return funded, nfunded, AMBIGUOUS
                if info[top, 5] == 0.0:
                    bound[top] = -np.inf
                else:
                    fresh[top] = True
                    bound[top] = info[top, 0]
                    slack[top] = info[top, 1]
                continue
            votes = info[top, 0]
            threshold = votes - slack[top]
            stale = False
            for r in range(n):
                if r != top and bound[r] + slack[r] >= threshold and not fresh[r]:
                    stale = True
                    q = order[r]
                    if (
                        _price(
                            r,
                            q,
                            indptr,
                            rows,
                            wts,
                            costs[q],
                            totals[q],
                            budget,
                            row_err,
                            doubtful,
                            info[r],
                        )
                        == AMBIGUOUS
                    ):
                        return funded, nfunded, AMBIGUOUS
                    if info[r, 5] == 0.0:
                        bound[r] = -np.inf
                    else:
                        fresh[r] = True
                        bound[r] = info[r, 0]
                        slack[r] = info[r, 1]
            if stale:
                continue
            whole = info[top, 4] == 1.0
            for r in range(n):
                close = r != top and bound[r] + slack[r] >= threshold
                if close and not (whole and info[r, 4] == 1.0 and info[r, 0] == votes):
                    return funded, nfunded, AMBIGUOUS
            break
        q = order[top]
        alpha = info[top, 2]
        alpha_err = info[top, 3]
        for i in range(indptr[q], indptr[q + 1]):
            j = rows[i]
            b = budget[j]
            e = row_err[j]
            near = abs(b - alpha) <= alpha_err + e
            if near:
                doubtful[j] = True
            budget[j] = b - alpha if b > alpha else 0.0
            row_err[j] = 0.0 if (b < alpha and not near) else e + alpha_err
        funded[nfunded] = q
        nfunded += 1
        bound[top] = -np.inf
        fresh[:] = False


if njit is not None:
    _price = njit(cache=True, nogil=True)(_price)
    decide_compiled = njit(cache=True, nogil=True)(_decide)
else:  # pragma: no cover
    decide_compiled = None
