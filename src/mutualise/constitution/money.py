"""Exact money for the share ledger: pence are integers, shares of a total are exact fractions,
and one documented rounding rule (largest remainder) makes every total exact to the penny."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from .calendar import add_months

# CCBSA 2014 s.24: no member may hold more than GBP 100,000 of withdrawable share capital. The
# Act's cap, not an organisation's rule; the rulebook's own maximum may only be lower.
WITHDRAWABLE_CAP_PENCE = 10_000_000

# CCBSA 2014 s.37: a nominee who is an officer or employee of the society is valid only if the
# nominator's spouse, civil partner, parent, child, brother, sister, nephew or niece. Statute.
NOMINEE_RELATIONS_FOR_OFFICERS = frozenset(
    {"spouse", "civil partner", "parent", "child", "brother", "sister", "nephew", "niece"}
)

# Interest on a yearly rate accrues per day held over the days of the year the day falls in
# (actual/actual): the period is cut into years from its first day, and a day of a 366-day year
# earns 1/366 of the rate, so a full year's holding earns exactly the declared rate and never
# more, leap year or not (actual/365 would pay 366/365 of it). OCA's dividend module divides
# by the days in the year the same way (reference A2, "Pro-rata interest in practice").


def largest_remainder(total: int, exact: Mapping[Hashable, Fraction]) -> dict[Hashable, int]:
    """Split `total` pence in proportion to `exact` (non-negative amounts or weights).

    Each key gets the floor of its exact part; the pence left over go one each to the largest
    fractional remainders, ties to the earlier key in sorted order. The parts sum to `total`.
    """
    if any(v < 0 for v in exact.values()):
        raise ValueError("a share of a total cannot be negative")
    keys = sorted(exact, key=_sortable)
    common = math.lcm(*(Fraction(exact[k]).denominator for k in keys)) if keys else 1
    weights = [
        Fraction(exact[k]).numerator * (common // Fraction(exact[k]).denominator) for k in keys
    ]
    return dict(zip(keys, split(total, weights), strict=True))


def split(total: int, weights: Sequence[int]) -> list[int]:
    """`total` pence split in proportion to integer `weights`, in their order: each gets the
    floor of its exact part and the pence left over go one each to the largest remainders,
    ties to the earlier place. Integers throughout, so a million parts take a second."""
    if total < 0:
        raise ValueError("a total of pence cannot be negative")
    if any(w < 0 for w in weights):
        raise ValueError("a share of a total cannot be negative")
    weight = sum(weights)
    if weight == 0:
        if total:
            raise ValueError(f"cannot share {total}p among nothing")
        return [0] * len(weights)
    parts, remainders = [], []
    for w in weights:
        q, r = divmod(total * w, weight)
        parts.append(q)
        remainders.append(r)
    left = total - sum(parts)
    if left:
        for i in _largest(remainders, left, weight):
            parts[i] += 1
    return parts


def _largest(values: list[int], n: int, bound: int) -> Iterable[int]:
    """The places of the n largest values, ties to the earlier place."""
    if bound < 2**62 and len(values) > 1000:
        # why: numpy is heavy: loaded only for a long run of amounts
        import numpy

        order = numpy.argsort(-numpy.asarray(values, dtype=numpy.int64), kind="stable")
        return order[:n].tolist()
    return sorted(range(len(values)), key=lambda i: -values[i])[:n]


def _sortable(key):
    return (0, key) if isinstance(key, int) else (1, str(key))


@dataclass(frozen=True)
class Movement:
    """One ledger entry as the interest rule sees it: pence in (or out) from a day on."""

    on: date
    amount_pence: int


def pence_days(movements: Iterable[Movement], start: date, end: date) -> int:
    """The sum over each day of [start, end] of the balance held at that day's end."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    balance, total, day = 0, 0, start
    for m in sorted(movements, key=lambda m: m.on):
        if m.on <= start:
            balance += m.amount_pence
            continue
        if m.on > end:
            break
        total += balance * (m.on - day).days
        balance += m.amount_pence
        day = m.on
    return total + balance * ((end - day).days + 1)


def interest_years(start: date, end: date) -> list[tuple[date, date, int]]:
    """The period [start, end] cut into years from its first day: (first, last, days in that
    year), the last one possibly cut short by `end`. A day in a year of N days earns 1/N of the
    yearly rate."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    years, first = [], start
    while first <= end:
        following = add_months(first, 12)
        years.append((first, min(end, following - timedelta(days=1)), (following - first).days))
        first = following
    return years


def interest_weights(
    pence_days_by_year: Sequence[Sequence[int]], years: Sequence[tuple[date, date, int]]
) -> tuple[list[int], int]:
    """Each holder's pence-days over the years of `interest_years` (one list per year, holders
    in the same order) as integer weights over one common year length: holder i is owed
    exactly rate x weights[i] / year_days."""
    year_days = math.lcm(*(length for _, _, length in years))
    weights = [0] * (len(pence_days_by_year[0]) if pence_days_by_year else 0)
    for held, (_, _, length) in zip(pence_days_by_year, years, strict=True):
        scale = year_days // length
        weights = [w + h * scale for w, h in zip(weights, held, strict=True)]
    return weights, year_days


def interest(
    holdings: Mapping[Hashable, Iterable[Movement]], rate: Fraction, start: date, end: date
) -> tuple[int, dict[Hashable, int]]:
    """Interest at yearly `rate` per day held: the total (the exact sum rounded down, so no one
    is paid above the declared rate) and each holder's part by largest remainder."""
    keys = sorted(holdings, key=_sortable)
    moves = {k: list(holdings[k]) for k in keys}
    years = interest_years(start, end)
    weights, year_days = interest_weights(
        [[pence_days(moves[k], first, last) for k in keys] for first, last, _ in years], years
    )
    total, parts = interest_parts(weights, rate, year_days)
    return total, {k: p for k, p in zip(keys, parts, strict=True) if p}


def interest_parts(weights: Sequence[int], rate: Fraction, year_days: int) -> tuple[int, list[int]]:
    """Interest from each holder's pence-days (`interest_weights`; in the order given, which
    breaks ties): holder i is owed exactly rate x weights[i] / year_days; the total is the sum
    of those rounded down and the parts split it by largest remainder (the rate cancels from
    the proportions)."""
    held = sum(weights)
    total = rate.numerator * held // (rate.denominator * year_days)
    return total, split(total, weights)


@dataclass(frozen=True)
class Application:
    """An application to a share offer, in the order it arrived; `priority` 0 comes first
    (e.g. local residents), then 1, and so on."""

    key: Hashable
    shares: int
    priority: int = 0


def scale_offer(applications: list[Application], available: int, policy: str) -> dict:
    """Whole shares allotted to each application when an offer may be oversubscribed.

    'first-come-first-served': in order of arrival until the shares run out. 'pro-rata': every
    application scaled by the same fraction, whole shares by largest remainder. 'priority':
    groups in priority order each met in full; the group the shares run out in is scaled
    pro rata, later groups get none. Nobody gets more than they asked for.
    """
    if available < 0 or any(a.shares <= 0 for a in applications):
        raise ValueError("shares offered and applied for must be positive")
    if policy == "first-come-first-served":
        out, left = {}, available
        for a in applications:
            out[a.key] = min(a.shares, left)
            left -= out[a.key]
        return out
    if policy == "pro-rata":
        asked = sum(a.shares for a in applications)
        if asked <= available:
            return {a.key: a.shares for a in applications}
        return largest_remainder(available, {a.key: Fraction(a.shares) for a in applications})
    if policy == "priority":
        out, left = {}, available
        for rank in sorted({a.priority for a in applications}):
            group = [a for a in applications if a.priority == rank]
            out |= scale_offer(group, left, "pro-rata")
            left -= sum(out[a.key] for a in group)
        return out
    raise ValueError(
        f"unknown oversubscription policy {policy!r}; "
        "policies are first-come-first-served, pro-rata, priority"
    )


def days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
