"""Review of the members' stake app (issue 16): each test is a defect found by attacking it,
marked xfail(strict) until it is fixed."""

import contextlib
from datetime import date, datetime, time
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from stake_helpers import found, make_members

from mutualise.constitution.calendar import LONDON
from mutualise.register.models import Member
from mutualise.stake import services
from mutualise.stake.models import Movement, ShareAccount
from mutualise.stake.services import StakeError
from mutualise.stake.services.surplus import read_amounts


@pytest.fixture
def energy(db):
    return found()


def at(day, hour=12):
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def test_interest_is_not_posted_twice_for_the_same_days_by_an_overlapping_period(energy):
    (m,) = make_members(energy, 1)
    services.record_movement(energy, m, "allotment", 100_000, on=date(2024, 6, 1))
    rate = Fraction(3, 100)
    services.post_interest(energy, rate, date(2025, 1, 1), date(2025, 12, 31))
    with pytest.raises(StakeError):
        services.post_interest(energy, rate, date(2025, 7, 1), date(2025, 12, 31))
    interest = Movement.objects.filter(kind="interest").values_list("amount_pence", flat=True)
    assert sum(interest) == 3000  # one year at 3% on GBP 1,000, not 3000 + 1512


def test_a_full_leap_year_earns_no_more_than_the_declared_rate(energy):
    (m,) = make_members(energy, 1)
    services.record_movement(energy, m, "allotment", 100_000, on=date(2023, 6, 1))
    cap = Fraction(energy.constitution.shares.interest_cap)
    preview = services.preview_interest(energy, cap, date(2024, 1, 1), date(2024, 12, 31))
    assert preview.by_member[1] <= cap * 100_000  # at most the cap on GBP 1,000 for a year


def _offer(org, most=None):
    return services.open_offer(
        org, title="Roof", opens_on=date(2025, 3, 1), closes_on=date(2025, 5, 31),
        minimum_pence=100, optimum_pence=4_000_000, maximum_pence=40_000_000,
        policy="first-come-first-served", maximum_holding_pence=most,
    )  # fmt: skip


def test_a_second_application_by_one_member_is_a_clear_error_not_an_integrity_error(energy):
    offer = _offer(energy, most=2_000_000)
    (m,) = make_members(energy, 1)
    services.apply(offer, m, 15_000, at=at(date(2025, 4, 1)))
    with pytest.raises(StakeError, match="already applied"):
        services.apply(offer, m, 300, at=at(date(2025, 4, 2)))


def test_applications_to_two_offers_past_the_act_cap_leave_both_offers_closable(energy):
    first, second = (
        services.open_offer(
            energy,
            title=f"Roof {n}",
            opens_on=date(2025, 3, 1),
            closes_on=date(2025, 5, 31),
            minimum_pence=100,
            optimum_pence=100,
            maximum_pence=40_000_000,
            policy="first-come-first-served",
            kind="open",
        )  # fmt: skip
        for n in (1, 2)
    )
    (m,) = make_members(energy, 1)
    services.apply(first, m, 60_000, at=at(date(2025, 4, 1)))
    with contextlib.suppress(StakeError):  # refusing the second application is one answer
        services.apply(second, m, 60_000, at=at(date(2025, 4, 2)))
    services.close_offer(first, on=date(2025, 6, 2))
    services.close_offer(second, on=date(2025, 6, 2))  # raises StakeError today
    assert ShareAccount.objects.get(member=m).balance_pence <= 10_000_000


def test_a_payroll_row_with_a_superscript_digit_is_a_row_error():
    with pytest.raises(StakeError, match="row 2"):
        read_amounts("Membership number,Pay\n\u00b2,100.00\n", "Pay", "payroll")


def test_the_offer_form_refuses_a_superscript_digit_with_a_form_error(client, energy):
    offer = services.open_offer(
        energy, title="Now", opens_on=date(2020, 1, 1), closes_on=date(2099, 1, 1),
        minimum_pence=100, optimum_pence=100, maximum_pence=100_000, policy="pro-rata",
        kind="open",
    )  # fmt: skip
    user = get_user_model().objects.create_user("ann", password="x")
    (m,) = make_members(energy, 1)
    Member.objects.filter(pk=m.pk).update(user=user)
    client.force_login(user)
    client.raise_request_exception = False
    answer = client.post(f"/o/sunny-energy/shares/offers/{offer.pk}/", {"shares": "\u00b2"})
    assert answer.status_code in (200, 400)
    assert "whole number" in answer.content.decode()


def test_the_nomination_form_refuses_an_overlong_relationship(client, energy):
    user = get_user_model().objects.create_user("ann", password="x")
    (m,) = make_members(energy, 1)
    Member.objects.filter(pk=m.pk).update(user=user)
    services.record_movement(energy, m, "allotment", 50_000, on=date(2021, 6, 1))
    client.force_login(user)
    client.raise_request_exception = False
    answer = client.post(
        "/o/sunny-energy/shares/nominate/",
        {"name": "Bob Smith", "address": "2 High Street", "relationship": "x" * 60},
    )
    assert answer.status_code == 400


@pytest.mark.parametrize("year", [0, 99999])
def test_a_statement_for_an_impossible_year_is_not_found_not_a_500(client, energy, year):
    user = get_user_model().objects.create_user("ann", password="x")
    (m,) = make_members(energy, 1)
    Member.objects.filter(pk=m.pk).update(user=user)
    client.force_login(user)
    client.raise_request_exception = False
    assert client.get(f"/o/sunny-energy/shares/statements/{year}.pdf").status_code == 404


def test_a_bonus_sum_over_a_payroll_of_no_pay_is_a_clear_error(db):
    jlp = found("employee-owned-partnership", "partners")
    make_members(jlp, 2)
    with pytest.raises(StakeError):
        services.preview_surplus(
            jlp, year_ending=date(2026, 1, 31), surplus_pence=10_000,
            pots={"equal-percentage-of-pay": 5_000},
            payroll="Membership number,Gross pay\n1,0.00\n2,0\n",
        )  # fmt: skip


def test_interest_for_a_period_not_yet_ended_is_refused(energy):
    (m,) = make_members(energy, 1)
    services.record_movement(energy, m, "allotment", 100_000, on=date(2024, 6, 1))
    with pytest.raises(StakeError):
        services.post_interest(energy, Fraction(3, 100), date(2099, 1, 1), date(2099, 12, 31))


def test_a_trade_amount_too_large_to_store_is_a_row_error(db):
    coop = found("co-operative-society", "coop")
    make_members(coop, 2)
    with pytest.raises(StakeError, match="row 2"):
        services.preview_surplus(
            coop, year_ending=date(2026, 1, 31), surplus_pence=10_000,
            pots={"patronage-dividend": 100},
            trade="Membership number,Trade\n1," + "9" * 21 + "\n2,10.00\n",
        )  # fmt: skip
