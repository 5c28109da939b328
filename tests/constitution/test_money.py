"""Largest-remainder rounding and per-day interest: exact to the penny, attacked by hypothesis."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualise.constitution.calendar import add_months
from mutualise.constitution.money import (
    Application,
    Movement,
    days,
    interest,
    largest_remainder,
    pence_days,
    scale_offer,
)

POLICIES = ["first-come-first-served", "pro-rata", "priority"]

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


applications = st.lists(
    st.tuples(st.integers(1, 5_000), st.integers(0, 2)), min_size=1, max_size=30
).map(lambda rows: [Application(i, shares, group) for i, (shares, group) in enumerate(rows)])


@given(applications, st.integers(0, 60_000), st.sampled_from(POLICIES))
def test_an_offer_never_allots_more_than_offered_or_asked(apps, available, policy):
    allotted = scale_offer(apps, available, policy)
    asked = sum(a.shares for a in apps)
    assert sum(allotted.values()) == min(asked, available)  # no share created or lost
    for a in apps:
        assert 0 <= allotted[a.key] <= a.shares


def test_an_oversubscribed_offer_scaled_back_pro_rata_in_whole_shares():
    apps = [Application("a", 500), Application("b", 300), Application("c", 200)]
    # 1,000 asked for 700: 350, 210, 140 exactly.
    assert scale_offer(apps, 700, "pro-rata") == {"a": 350, "b": 210, "c": 140}
    # 1,000 asked for 101: 50.5, 30.3, 20.2 -> the spare share to the largest remainder.
    assert scale_offer(apps, 101, "pro-rata") == {"a": 51, "b": 30, "c": 20}


def test_first_come_first_served_and_priority_groups():
    apps = [Application("a", 500, 1), Application("b", 300, 0), Application("c", 200, 0)]
    assert scale_offer(apps, 600, "first-come-first-served") == {"a": 500, "b": 100, "c": 0}
    # Local residents (group 0) in full, the rest scaled into what is left.
    assert scale_offer(apps, 600, "priority") == {"b": 300, "c": 200, "a": 100}
    assert scale_offer(apps, 250, "priority") == {"b": 150, "c": 100, "a": 0}
    with pytest.raises(ValueError, match="unknown oversubscription policy 'lottery'"):
        scale_offer(apps, 10, "lottery")


@settings(deadline=None, max_examples=50)  # a thousand parts a case: no timing asserted
@given(
    st.integers(0, 10**12),
    st.lists(st.integers(0, 10**9), min_size=1001, max_size=1500),
)
def test_split_of_many_parts_loses_no_penny_and_matches_the_exact_rule(total, weights):
    """Over 1,000 parts the leftover pence are placed with NumPy: the same parts as the
    Fraction rule, and the total exact."""
    from mutualise.constitution.money import split

    if sum(weights) == 0:
        weights[0] = 1
    parts = split(total, weights)
    assert sum(parts) == total
    exact = largest_remainder(total, {i: Fraction(w) for i, w in enumerate(weights)})
    # largest_remainder itself goes through split: check against the plain definition too.
    weight = sum(weights)
    floors = [total * w // weight for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight), i))
    for i in order[:left]:
        floors[i] += 1
    assert parts == floors == [exact[i] for i in range(len(weights))]


@given(st.dates(date(1990, 1, 1), date(2100, 1, 1)), st.integers(0, 365 * 3))
def test_interest_never_pays_above_the_declared_rate_for_the_time_held(start, length):
    """Actual/actual from the period's first day: a constant holding earns at most the rate for
    each year of the period, exactly the rate for a whole year, leap year or not."""
    end = start + timedelta(days=length)
    rate, pence = Fraction(7, 100), 10_000_000
    total, _ = interest({1: [Movement(start, pence)]}, rate, start, end)
    whole = 0
    while whole < 4 and add_months(start, 12 * (whole + 1)) - timedelta(days=1) <= end:
        whole += 1
    assert rate * pence * whole - 1 < total <= rate * pence * (whole + 1)
    if add_months(start, 12 * whole) - timedelta(days=1) == end:
        assert total == rate * pence * whole  # a whole number of years: the rate exactly


def test_a_year_across_a_leap_day_earns_the_rate_and_no_more():
    rate, moves = Fraction(5, 100), {7: [Movement(date(2020, 6, 1), 100_000)]}
    for start in (date(2024, 1, 1), date(2023, 3, 1), date(2024, 2, 29)):
        end = add_months(start, 12) - timedelta(days=1)
        assert interest(moves, rate, start, end) == (5000, {7: 5000})
    # Half of 2024 (182 of its 366 days): 5% x 182/366 of GBP 1,000, rounded down.
    assert interest(moves, rate, date(2024, 1, 1), date(2024, 6, 30))[0] == 5000 * 182 // 366
