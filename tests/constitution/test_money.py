"""Largest-remainder rounding and per-day interest: exact to the penny, attacked by hypothesis."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualise.constitution.money import (
    Movement,
    days,
    interest,
    largest_remainder,
    pence_days,
)

weights = st.dictionaries(
    st.integers(1, 10_000),
    st.fractions(min_value=0, max_value=10_000, max_denominator=1000),
    min_size=1,
    max_size=40,
)


@given(st.integers(0, 10**9), weights)
def test_no_rounding_creates_or_loses_a_penny(total, exact):
    if sum(exact.values()) == 0:
        exact = {k: Fraction(1) for k in exact}
    parts = largest_remainder(total, exact)
    assert sum(parts.values()) == total
    weight = sum(exact.values())
    for key, pence in parts.items():
        share = Fraction(total) * exact[key] / weight
        assert share - 1 < pence < share + 1  # never more than a penny from the exact share


def test_leftover_pence_go_to_the_largest_remainders_then_the_lower_key():
    assert largest_remainder(100, {1: Fraction(1), 2: Fraction(1), 3: Fraction(1)}) == {
        1: 34,
        2: 33,
        3: 33,
    }
    assert largest_remainder(10, {1: Fraction(1, 10), 2: Fraction(9, 10)}) == {1: 1, 2: 9}
    assert largest_remainder(7, {1: Fraction(2), 2: Fraction(5)}) == {1: 2, 2: 5}


def test_nothing_to_share_among_is_refused():
    with pytest.raises(ValueError, match="among nothing"):
        largest_remainder(5, {1: Fraction(0)})


movements = st.lists(
    st.tuples(st.integers(-30, 400), st.integers(1, 50_000)), min_size=0, max_size=12
)


@given(movements, st.integers(0, 365))
def test_pence_days_is_the_balance_summed_day_by_day(raw, length):
    start = date(2025, 1, 1)
    end = start + timedelta(days=length)
    moves = [Movement(start + timedelta(days=offset), pence) for offset, pence in raw]
    by_day = sum(sum(m.amount_pence for m in moves if m.on <= d) for d in days(start, end))
    assert pence_days(moves, start, end) == by_day


def test_a_full_year_at_five_percent_on_a_thousand_pounds_is_fifty_pounds():
    moves = {7: [Movement(date(2024, 6, 1), 100_000)]}
    total, parts = interest(moves, Fraction(5, 100), date(2025, 1, 1), date(2025, 12, 31))
    assert (total, parts) == (5000, {7: 5000})
