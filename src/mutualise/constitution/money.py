"""Exact money for the share ledger: pence are integers, shares of a total are exact fractions,
and one documented rounding rule (largest remainder) makes every total exact to the penny."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

# CCBSA 2014 s.24: no member may hold more than GBP 100,000 of withdrawable share capital. The
# Act's cap, not an organisation's rule; the rulebook's own maximum may only be lower.
WITHDRAWABLE_CAP_PENCE = 10_000_000

# Interest on a yearly rate accrues per day held over a 365-day year (actual/365), as the
# CSU's pro-rata practice does; the declared rate is the most a full year's holding earns.
DAYS_IN_YEAR = 365


def largest_remainder(total: int, exact: Mapping[Hashable, Fraction]) -> dict[Hashable, int]:
    """Split `total` pence in proportion to `exact` (non-negative amounts or weights).

    Each key gets the floor of its exact part; the pence left over go one each to the largest
    fractional remainders, ties to the earlier key in sorted order. The parts sum to `total`.
    """
    if total < 0:
        raise ValueError("a total of pence cannot be negative")
    weight = sum(exact.values(), Fraction(0))
    if any(v < 0 for v in exact.values()):
        raise ValueError("a share of a total cannot be negative")
    if weight == 0:
        if total:
            raise ValueError(f"cannot share {total}p among nothing")
        return {key: 0 for key in exact}
    parts = {key: Fraction(total) * value / weight for key, value in exact.items()}
    out = {key: math.floor(part) for key, part in parts.items()}
    left = total - sum(out.values())
    order = sorted(parts, key=lambda k: (-(parts[k] - out[k]), _sortable(k)))
    for key in order[:left]:
        out[key] += 1
    return out


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


def interest(
    holdings: Mapping[Hashable, Iterable[Movement]], rate: Fraction, start: date, end: date
) -> tuple[int, dict[Hashable, int]]:
    """Interest at yearly `rate` per day held: the total (the exact sum rounded down, so no one
    is paid above the declared rate) and each holder's part by largest remainder."""
    exact = {
        key: rate * pence_days(moves, start, end) / DAYS_IN_YEAR for key, moves in holdings.items()
    }
    total = math.floor(sum(exact.values(), Fraction(0)))
    parts = largest_remainder(total, exact)
    return total, {key: pence for key, pence in parts.items() if pence}


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
