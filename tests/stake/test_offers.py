"""Share offers on the community energy co-op's rulebook: oversubscribed and scaled back; short
of the minimum and every applicant refunded; allotment only after the close."""

import json
from datetime import date, datetime, time

import pytest
from stake_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.constitution.calendar import LONDON
from mutualise.stake import services
from mutualise.stake.models import Movement, OfferApplication, ShareAccount
from mutualise.stake.services import StakeError

OPENS, CLOSES = date(2025, 3, 1), date(2025, 5, 31)


def at(day, hour=12):
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def energy(db):
    return found()


def solar_offer(org, policy="pro-rata", minimum=2_000_000):
    # GBP 20,000 minimum, GBP 40,000 optimum and maximum: the roof of the village school.
    return services.open_offer(
        org, title="School roof solar", opens_on=OPENS, closes_on=CLOSES,
        minimum_pence=minimum, optimum_pence=4_000_000, maximum_pence=4_000_000, policy=policy,
    )  # fmt: skip


def test_an_oversubscribed_offer_is_scaled_back_pro_rata_and_the_excess_refunded(energy):
    offer = solar_offer(energy)
    a, b, c = make_members(energy, 3)
    asked = {a: 30_000, b: 20_000, c: 10_000}  # 60,000 GBP 1 shares for 40,000 on offer
    for day, (member, shares) in enumerate(asked.items()):
        services.apply(offer, member, shares, at=at(date(2025, 4, 1 + day)))
    with pytest.raises(StakeError, match="allot after the close"):
        services.close_offer(offer, on=CLOSES)
    assert not Movement.objects.exists()  # money held, nothing allotted before the close
    services.close_offer(offer, on=date(2025, 6, 2))
    got = {m.number: ShareAccount.objects.get(member=m).balance_pence for m in asked}
    assert got == {1: 2_000_000, 2: 1_333_300, 3: 666_700}  # 2/3 each, whole shares
    assert sum(got.values()) == 4_000_000
    refunds = dict(OfferApplication.objects.values_list("member__number", "refunded_pence"))
    assert refunds == {1: 1_000_000, 2: 666_700, 3: 333_300}
    assert sum(refunds.values()) + sum(got.values()) == 6_000_000  # every penny accounted for
    assert services.verify_ledger(energy) == []
    with pytest.raises(StakeError, match="already closed"):
        services.close_offer(offer, on=date(2025, 6, 3))


def test_an_offer_short_of_its_minimum_refunds_everyone_and_allots_nothing(energy):
    offer = solar_offer(energy)
    a, b = make_members(energy, 2)
    services.apply(offer, a, 5_000, at=at(date(2025, 3, 10)))
    services.apply(offer, b, 1_000, at=at(date(2025, 5, 31), 23))
    offer = services.close_offer(offer, on=date(2025, 6, 1))
    assert offer.state == "refunded"
    assert not Movement.objects.filter(organisation=energy).exists()
    refunds = dict(OfferApplication.objects.values_list("member__number", "refunded_pence"))
    assert refunds == {1: 500_000, 2: 100_000}
    event = AuditEvent.objects.get(action="shares.offer_closed")
    assert event.data == {"state": "refunded", "raised": 600_000, "refunded": 600_000}


def test_first_come_first_served_allots_until_the_maximum(energy):
    offer = solar_offer(energy, policy="first-come-first-served")
    a, b = make_members(energy, 2)
    services.apply(offer, b, 30_000, at=at(date(2025, 3, 2)))
    services.apply(offer, a, 30_000, at=at(date(2025, 3, 3)))
    services.close_offer(offer, on=date(2025, 6, 1))
    assert ShareAccount.objects.get(member=b).balance_pence == 3_000_000
    assert ShareAccount.objects.get(member=a).balance_pence == 1_000_000


def test_applications_outside_the_dates_or_the_holding_range_are_refused(energy):
    offer = solar_offer(energy)
    (a,) = make_members(energy, 1)
    with pytest.raises(StakeError, match="takes applications from 2025-03-01 to 2025-05-31"):
        services.apply(offer, a, 500, at=at(date(2025, 6, 1)))
    with pytest.raises(StakeError, match="least one may hold is 25000p"):
        services.apply(offer, a, 249, at=at(date(2025, 4, 1)))  # rulebook: GBP 250 minimum
    with pytest.raises(StakeError, match="above the maximum holding of 10000000p"):
        services.apply(offer, a, 100_001, at=at(date(2025, 4, 1)))
    with pytest.raises(StakeError, match="minimum <= optimum <= maximum"):
        solar_offer(energy, minimum=5_000_000)


def test_at_most_one_time_bound_offer_in_twelve_months(energy):
    solar_offer(energy)
    with pytest.raises(StakeError, match="1 time-bound offer.s. in any twelve months"):
        services.open_offer(
            energy, title="Wind", opens_on=date(2026, 2, 28), closes_on=date(2026, 4, 30),
            minimum_pence=100_000, optimum_pence=100_000, maximum_pence=100_000, policy="pro-rata",
        )  # fmt: skip
    later = services.open_offer(
        energy, title="Wind", opens_on=date(2026, 3, 1), closes_on=date(2026, 4, 30),
        minimum_pence=100_000, optimum_pence=100_000, maximum_pence=100_000, policy="pro-rata",
    )  # fmt: skip
    assert later.kind == "time-bound"


def test_no_open_offer_while_withdrawals_are_suspended(energy):
    services.suspend_withdrawals(energy, from_on=date(2025, 1, 1), reason="cash flow")
    with pytest.raises(StakeError, match="must not run while withdrawals are suspended"):
        services.open_offer(
            energy, title="Always open", opens_on=OPENS, closes_on=date(2027, 1, 1), kind="open",
            minimum_pence=0, optimum_pence=100_000, maximum_pence=100_000, policy="pro-rata",
        )  # fmt: skip
    services.lift_suspension(energy, on=date(2025, 2, 1))
    offer = services.open_offer(
        energy, title="Always open", opens_on=OPENS, closes_on=date(2027, 1, 1), kind="open",
        minimum_pence=0, optimum_pence=100_000, maximum_pence=100_000, policy="pro-rata",
    )  # fmt: skip
    with pytest.raises(StakeError, match="open offer '.*' is running"):
        services.suspend_withdrawals(energy, from_on=date(2025, 6, 1), reason="again")
    assert offer.kind == "open"


def test_the_offer_command_opens_takes_applications_closes_and_shows(energy, capsys):
    from mutualise.cli import main

    (member,) = make_members(energy, 1)
    args = ["shares", "offer", "open", "--org", energy.slug, "--title", "Hydro",
            "--opens", "2020-01-01", "--closes", "2099-12-31", "--minimum", "1000",
            "--optimum", "2000", "--maximum", "2,000.00"]  # fmt: skip
    assert main(args) == 0
    opened = json.loads(capsys.readouterr().out)
    assert opened["maximum_pence"] == 200_000 and opened["raised_pence"] == 0
    assert main(["shares", "offer", "apply", "--org", energy.slug, "--offer",
                 str(opened["offer"]), "--member", "1", "--shares", "500"]) == 0  # fmt: skip
    shown = json.loads(capsys.readouterr().out)
    assert shown["raised_pence"] == 50_000 and shown["applicants"] == 1
    assert main(["shares", "offer", "close", "--org", energy.slug, "--offer",
                 str(opened["offer"]), "--on", "2030-01-01"]) == 2  # fmt: skip
    assert "open until 2099-12-31" in capsys.readouterr().err
    assert main([*args[:5], "--title", "Bad", *args[7:12], "lots", *args[13:]]) == 2
    assert "amount in pounds" in capsys.readouterr().err
