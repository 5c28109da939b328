"""Third review of the members' stake app (issue 16): bad input that reached the database or
date arithmetic as a traceback (an overflowing amount, a day in year 0 or 10000, a rate too
large for a float, a text longer than its column), and every rulebook field of the `shares`
and `surplus` blocks that no earlier test changed: change it in the rulebook, the behaviour
changes."""

from datetime import date, datetime, time
from fractions import Fraction

import pytest
from stake_helpers import found, make_members

from mutualise.cli import main
from mutualise.constitution import model_path
from mutualise.constitution.calendar import LONDON
from mutualise.register import services as register
from mutualise.stake import documents, services
from mutualise.stake.models import (
    AssetTransfer,
    InterestRun,
    OfferApplication,
    ShareOffer,
    SurplusRun,
    WithdrawalSuspension,
)
from mutualise.stake.services import StakeError
from mutualise.stake.services.interest import parse_rate
from mutualise.stake.services.surplus import read_amounts

ALLOTTED = date(2021, 6, 1)  # past the energy co-op's moratorium by 2025
APPLIED = datetime.combine(date(2025, 4, 1), time(12), tzinfo=LONDON)
HUGE = "99999999999999999999999"  # GBP: more than a bigint of pence holds


@pytest.fixture
def energy(db):
    return found()


def _open(org, **kw):
    terms = dict(title="Roof", opens_on=date(2025, 3, 1), closes_on=date(2025, 5, 31),
                 minimum_pence=100, optimum_pence=100, maximum_pence=10**9, policy="pro-rata")  # fmt: skip
    return services.open_offer(org, **(terms | kw))


# --- the command line: every bad value a message, never a traceback, nothing written --------

OPEN = ["shares", "offer", "open", "--org", "sunny-energy", "--title", "Roof"]
CASES = {
    "rate too large for a float": ["shares", "interest", "--org", "sunny-energy", "--rate",
                                   "1e400", "--period", "2025-01-01:2025-12-31"],
    "rate with a huge exponent": ["shares", "interest", "--org", "sunny-energy", "--rate",
                                  "1e-99999", "--period", "2025-01-01:2025-12-31"],
    "period ending in 9999": ["shares", "interest", "--org", "sunny-energy", "--rate", "3%",
                              "--period", "2025-01-01:9999-12-31"],
    "round in year 1": ["shares", "withdrawals", "--org", "sunny-energy", "--on", "0001-01-01"],
    "round in year 9999": ["shares", "withdrawals", "--org", "sunny-energy", "--on",
                           "9999-12-31"],
    "surplus too large": ["shares", "surplus", "--org", "sunny-energy", "--year-ending",
                          "2026-03-31", "--surplus", HUGE],
    "pot too large": ["shares", "surplus", "--org", "sunny-energy", "--year-ending",
                      "2026-03-31", "--surplus", "100", "--pot", f"community-purposes={HUGE}"],
    "target too large": [*OPEN, "--opens", "2025-01-01", "--closes", "2025-02-01",
                         "--minimum", "1", "--optimum", "1", "--maximum", HUGE],
    "offer in year 1": [*OPEN, "--opens", "0001-01-01", "--closes", "0001-02-01", "--minimum",
                        "1", "--optimum", "1", "--maximum", "2"],
    "title too long": ["shares", "offer", "open", "--org", "sunny-energy", "--title", "x" * 201,
                       "--opens", "2025-01-01", "--closes", "2025-02-01", "--minimum", "1",
                       "--optimum", "1", "--maximum", "2"],
    "reference too long": ["shares", "surplus", "--org", "sunny-energy", "--year-ending",
                           "2026-03-31", "--surplus", "100", "--pot", "community-purposes=100",
                           "--approved-on", "2026-04-01", "--reference", "x" * 201],
    "priority out of range": ["shares", "offer", "apply", "--org", "sunny-energy", "--offer",
                              "OFFER", "--member", "1", "--shares", "300", "--priority",
                              "40000"],
    "negative priority": ["shares", "offer", "apply", "--org", "sunny-energy", "--offer",
                          "OFFER", "--member", "1", "--shares", "300", "--priority", "-1"],
}  # fmt: skip


@pytest.mark.parametrize("argv", CASES.values(), ids=CASES.keys())
def test_the_shares_command_refuses_out_of_range_input_in_words(energy, argv, capsys):
    make_members(energy, 1)
    offer = _open(energy, opens_on=date(2020, 1, 1), closes_on=date(2030, 1, 1))
    argv = [str(offer.pk) if word == "OFFER" else word for word in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("mutualise: error:") and "Traceback" not in err
    assert ShareOffer.objects.count() == 1  # nothing else written
    assert not OfferApplication.objects.exists()
    assert not InterestRun.objects.exists()
    assert not SurplusRun.objects.exclude(state="previewed").exists()  # a preview may stand


# --- the services: the same bounds for every caller ----------------------------------------


def test_texts_longer_than_their_columns_are_refused_before_the_database(energy):
    with pytest.raises(StakeError, match="title is 201 characters"):
        _open(energy, title="x" * 201)
    with pytest.raises(StakeError, match="reason is 301 characters"):
        services.suspend_withdrawals(energy, from_on=date(2025, 1, 1), reason="x" * 301)
    with pytest.raises(StakeError, match="name is 201 characters"):
        services.transfer_assets(energy, recipient_kind="charity", recipient_name="x" * 201,
                                 amount_pence=100, on=date(2025, 1, 1), purpose="gift")  # fmt: skip
    (m,) = make_members(energy, 1)
    with pytest.raises(StakeError, match="note is 301 characters"):
        services.record_movement(energy, m, "allotment", 25_000, on=ALLOTTED, note="x" * 301)
    assert not ShareOffer.objects.exists() and not WithdrawalSuspension.objects.exists()
    assert not AssetTransfer.objects.exists() and services.verify_ledger(energy) == []


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(3000, 1, 1),
                                 date(9999, 12, 31)])  # fmt: skip
def test_a_day_outside_any_real_register_is_refused_in_words(energy, day):
    (m,) = make_members(energy, 1)
    services.record_movement(energy, m, "allotment", 100_000, on=ALLOTTED)
    for attempt in (
        lambda: services.record_movement(energy, m, "allotment", 100, on=day),
        lambda: services.request_withdrawal(energy, m, 50_000, on=day),
        lambda: services.pay_withdrawals(energy, on=day),
        lambda: services.preview_interest(energy, parse_rate("3%"), date(2025, 1, 1), day)
        if day.year > 2025 else services.preview_interest(energy, parse_rate("3%"), day,
                                                          date(2025, 1, 1)),
        lambda: _open(energy, opens_on=day, closes_on=day),
    ):  # fmt: skip
        with pytest.raises(StakeError, match="a typing error"):
            attempt()


def test_an_amount_too_large_to_store_is_refused_in_words(energy):
    (m,) = make_members(energy, 1)
    with pytest.raises(StakeError, match="more than any real amount"):
        services.record_movement(energy, m, "payment", 10**19, on=ALLOTTED)
    with pytest.raises(StakeError, match="more than any real amount"):
        services.preview_surplus(energy, year_ending=date(2026, 3, 31), surplus_pence=10**19,
                                 pots={})  # fmt: skip
    with pytest.raises(StakeError, match="more than any real amount"):
        services.transfer_assets(energy, recipient_kind="charity", recipient_name="Trust",
                                 amount_pence=10**19, on=date(2025, 1, 1), purpose="gift")  # fmt: skip


def test_a_payroll_number_too_long_for_any_register_is_a_row_error():
    with pytest.raises(StakeError, match="row 3, 'Membership number'.*no member's number"):
        read_amounts("Membership number,Gross pay\n1,100.00\n" + "9" * 20 + ",100.00\n",
                     "Gross pay", "payroll")  # fmt: skip


def test_a_rate_above_the_cap_is_named_as_a_percentage_however_large(energy):
    with pytest.raises(
        StakeError, match="rate 1000000.0000% is above the rulebook's maximum 8.0000%"
    ):
        services.preview_interest(energy, Fraction(10**4), date(2025, 1, 1),
                                  date(2025, 12, 31))  # fmt: skip


# --- every rulebook field of `shares` and `surplus` decides -------------------------------


def _energy_with(old: str, new: str, slug: str):
    text = model_path("community-energy-coop").read_text()
    assert text.count(old) == 1, old
    return register.create_organisation(name=slug, constitution_text=text.replace(old, new),
                                        source_name=f"{slug}.yaml", actor="test", slug=slug)  # fmt: skip


def _requested_due(org) -> date:
    (m,) = make_members(org, 1)
    services.record_movement(org, m, "allotment", 100_000, on=ALLOTTED)
    return services.request_withdrawal(org, m, 50_000, on=date(2025, 3, 1)).due_on


def test_the_withdrawal_notice_is_the_rulebooks(energy):
    assert _requested_due(energy) == date(2025, 5, 31)  # 13 weeks
    short = _energy_with("withdrawal_notice: 13 weeks", "withdrawal_notice: 4 weeks", "short")
    assert _requested_due(short) == date(2025, 3, 29)


def test_the_boards_power_to_suspend_is_the_rulebooks(energy):
    services.suspend_withdrawals(energy, from_on=date(2025, 1, 1), reason="cash flow")
    none = _energy_with("board_may_suspend_withdrawals: true",
                        "board_may_suspend_withdrawals: false", "no-suspend")  # fmt: skip
    with pytest.raises(StakeError, match="board_may_suspend_withdrawals"):
        services.suspend_withdrawals(none, from_on=date(2025, 1, 1), reason="cash flow")


def test_the_yearly_limit_is_the_rulebooks(energy):
    def allowance(org):
        members = make_members(org, 10)
        for m in members:
            services.record_movement(org, m, "allotment", 100_000, on=ALLOTTED)
        return services.yearly_allowance(org, date(2025, 6, 1))

    assert allowance(energy) == 100_000  # 10% of GBP 10,000
    assert allowance(_energy_with("withdrawal_yearly_limit: 10%",
                                  "withdrawal_yearly_limit: 25%", "quarter")) == 250_000  # fmt: skip
    assert allowance(_energy_with("withdrawal_yearly_limit: 10%",
                                  "withdrawal_yearly_limit: null", "unlimited")) is None  # fmt: skip


def test_the_nomination_limit_is_the_rulebooks(energy):
    def settled(org):
        (m,) = make_members(org, 1)
        services.record_movement(org, m, "allotment", 800_000, on=ALLOTTED)
        services.nominate(org, m, nominee_name="Alex", nominee_address="3 Mill Lane",
                          made_on=date(2023, 1, 1))  # fmt: skip
        return services.settle_on_death(org, m, died_on=date(2025, 2, 1), on=date(2025, 3, 1))

    assert settled(energy) == [("Alex", 500_000), ("personal representatives", 300_000)]
    lower = _energy_with("nomination_limit_pence: 500000", "nomination_limit_pence: 200000",
                         "lower-nomination")  # fmt: skip
    assert settled(lower) == [("Alex", 200_000), ("personal representatives", 600_000)]


def test_the_interest_return_threshold_is_the_rulebooks(energy):
    def payees(org):
        (m,) = make_members(org, 1)
        services.record_movement(org, m, "allotment", 500_000, on=date(2024, 1, 1))
        services.post_interest(org, parse_rate("3%"), date(2025, 1, 1), date(2025, 12, 31))
        rows = documents.hmrc_return_csv(org, date(2025, 1, 1), date(2025, 12, 31)).splitlines()
        return len(rows) - 1  # GBP 150 of interest

    assert payees(energy) == 0  # below the model's GBP 250
    low = _energy_with("shares:\n", "shares:\n  interest_return_threshold_pence: 1500\n", "s887")
    assert payees(low) == 1  # at or above the Act's GBP 15


def test_the_time_bound_offers_a_year_are_the_rulebooks(energy):
    _open(energy, kind="time-bound")
    with pytest.raises(StakeError, match="time_bound_offers_a_year"):
        _open(energy, kind="time-bound", title="Second")
    two = _energy_with("shares:\n", "shares:\n  time_bound_offers_a_year: 2\n", "two-offers")
    _open(two, kind="time-bound")
    _open(two, kind="time-bound", title="Second")
    with pytest.raises(StakeError, match="time_bound_offers_a_year"):
        _open(two, kind="time-bound", title="Third")


def test_who_approves_the_surplus_is_the_rulebooks(energy):
    assert services.required_approval(energy) == "ordinary"  # the AGM
    board = _energy_with("  approved_by: ordinary", "  approved_by: board", "board-approves")
    assert services.required_approval(board) == "board"
    run = services.preview_surplus(board, year_ending=date(2026, 3, 31), surplus_pence=100,
                                   pots={"community-purposes": 100})  # fmt: skip
    run = services.approve_surplus(run, approved_on=date(2026, 4, 1), reference="Board minute 7")
    assert run.approved_by_kind == "board"


@pytest.mark.parametrize("status", ["ceased", "declined", "merged"])
def test_a_former_member_or_declined_applicant_may_not_apply_for_shares(energy, status):
    offer = _open(energy)
    (gone,) = make_members(energy, 1)
    gone.status = status
    gone.save(update_fields=["status"])
    with pytest.raises(StakeError, match="only a member or an applicant may apply"):
        services.apply(offer, gone, 300, at=APPLIED)
    assert not OfferApplication.objects.exists()
