"""Withdrawals on the community energy co-op's rulebook: 13 weeks' notice, a 3-year moratorium,
10% of capital a year (queued and scaled back beyond it), the board's power to suspend; and
nominations on death up to GBP 5,000."""

from datetime import date

import pytest
from stake_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.stake import services
from mutualise.stake.models import ShareAccount, WithdrawalRequest
from mutualise.stake.services import StakeError

ALLOTTED = date(2021, 6, 1)  # the energy co-op's financial year ends on 31 March


@pytest.fixture
def energy(db):
    return found()


def holding(org, members, pence, on=ALLOTTED):
    for m in members:
        services.record_movement(org, m, "allotment", pence, on=on)


def balance(member):
    return ShareAccount.objects.get(member=member).balance_pence


def test_a_request_waits_out_the_notice_and_the_moratorium(energy):
    (early,) = make_members(energy, 1)
    holding(energy, [early], 100_000, on=date(2024, 1, 10))
    request = services.request_withdrawal(energy, early, 50_000, on=date(2024, 3, 1))
    assert request.due_on == date(2027, 1, 10)  # three years from the first shares
    (old,) = make_members(energy, 1)
    holding(energy, [old], 100_000)
    request = services.request_withdrawal(energy, old, 20_000, on=date(2025, 3, 1))
    assert request.due_on == date(2025, 5, 31)  # 13 weeks' notice
    services.pay_withdrawals(energy, on=date(2025, 5, 30))
    assert balance(old) == 100_000  # not yet due
    services.pay_withdrawals(energy, on=date(2025, 5, 31))
    assert balance(old) == 80_000  # all of it: within 10% of the GBP 2,000 capital
    request.refresh_from_db()
    assert request.state == "paid"
    assert services.verify_ledger(energy) == []


def test_withdrawals_past_the_yearly_limit_are_queued_and_scaled_back(energy):
    members = make_members(energy, 10)
    holding(energy, members, 100_000)  # GBP 10,000 of capital; 10% is GBP 1,000 a year
    asked = {members[0]: 100_000, members[1]: 50_000, members[2]: 25_000}
    requests = {m: services.request_withdrawal(energy, m, p, on=date(2025, 1, 6))
                for m, p in asked.items()}  # fmt: skip
    assert services.yearly_allowance(energy, date(2025, 6, 1)) == 100_000
    paid = services.pay_withdrawals(energy, on=date(2025, 6, 1))
    # 1,750 asked, 1,000 allowed: each gets 4/7 of what they asked, exact to the penny.
    assert paid.paid_pence == 100_000
    assert paid.paid == {requests[m].pk: p for m, p in
                         zip(asked, [57_143, 28_571, 14_286], strict=True)}  # fmt: skip
    assert sum(paid.queued.values()) == 75_000
    assert services.yearly_allowance(energy, date(2026, 3, 31)) == 0
    assert services.pay_withdrawals(energy, on=date(2026, 3, 31)).paid == {}
    # A new year: 10% of what is left (GBP 9,000), so the queue is paid in full.
    again = services.pay_withdrawals(energy, on=date(2026, 4, 2))
    assert again.paid_pence == 75_000 and again.queued == {}
    assert {r.state for r in WithdrawalRequest.objects.all()} == {"paid"}
    assert balance(members[0]) == 0 and balance(members[2]) == 75_000
    assert services.verify_ledger(energy) == []
    assert AuditEvent.objects.filter(action="shares.withdrawals_paid").count() == 3


def test_the_board_suspends_and_nothing_is_paid_until_it_lifts(energy):
    (member,) = make_members(energy, 1)
    holding(energy, [member], 100_000)
    services.request_withdrawal(energy, member, 100_000, on=date(2025, 1, 6))
    services.suspend_withdrawals(energy, from_on=date(2025, 2, 1), reason="cash flow")
    with pytest.raises(StakeError, match="suspended from 2025-02-01"):
        services.pay_withdrawals(energy, on=date(2025, 6, 1))
    with pytest.raises(StakeError, match="already suspended"):
        services.suspend_withdrawals(energy, from_on=date(2025, 3, 1), reason="again")
    services.lift_suspension(energy, on=date(2025, 7, 1))
    services.pay_withdrawals(energy, on=date(2025, 7, 1))
    assert balance(member) == 90_000  # 10% of the GBP 1,000 capital this year
    assert services.suspension_on(energy, date(2025, 3, 1)).reason == "cash flow"


def test_requests_the_rules_do_not_allow_are_refused(energy, db):
    (member,) = make_members(energy, 1)
    holding(energy, [member], 100_000)
    with pytest.raises(StakeError, match="more than the 100000p left"):
        services.request_withdrawal(energy, member, 100_001, on=date(2025, 1, 6))
    with pytest.raises(StakeError, match="below the least a member holds"):
        services.request_withdrawal(energy, member, 90_000, on=date(2025, 1, 6))
    services.request_withdrawal(energy, member, 50_000, on=date(2025, 1, 6))
    with pytest.raises(StakeError, match="50000p already asked for"):
        services.request_withdrawal(energy, member, 50_001, on=date(2025, 1, 7))
    trust = found("supporters-trust", "trust")
    (fan,) = make_members(trust, 1)
    with pytest.raises(StakeError, match="not withdrawable"):
        services.request_withdrawal(trust, fan, 100, on=date(2025, 1, 6))
    housing = found("housing-coop", "housing")
    with pytest.raises(StakeError, match="not withdrawable"):
        services.suspend_withdrawals(housing, from_on=date(2025, 1, 1), reason="x")


def test_on_death_the_nominee_gets_up_to_the_limit_and_the_estate_the_rest(energy):
    a, b = make_members(energy, 2)
    holding(energy, [a, b], 800_000)
    services.nominate(energy, a, nominee_name="Sam", nominee_address="2 Low Road",
                      made_on=date(2022, 1, 1))  # fmt: skip
    services.nominate(energy, a, nominee_name="Alex", nominee_address="3 Mill Lane",
                      made_on=date(2023, 1, 1))  # varies it: Sam's is revoked  # fmt: skip
    paid = services.settle_on_death(energy, a, died_on=date(2025, 2, 1), on=date(2025, 3, 1))
    assert paid == [("Alex", 500_000), ("personal representatives", 300_000)]
    assert balance(a) == 0
    assert services.settle_on_death(energy, b, died_on=date(2025, 2, 1),
                                    on=date(2025, 3, 1)) == [("personal representatives",
                                                              800_000)]  # fmt: skip
    assert services.verify_ledger(energy) == []


def test_settling_refuses_an_absurd_day_another_register_and_a_holding_not_the_one_shown(energy):
    """The officer's pages pass the holding they showed (shown_pence): a form sent twice, or
    a movement in between, is refused under the account's lock, and nothing is paid."""
    (a,) = make_members(energy, 1)
    holding(energy, [a], 80_000)
    with pytest.raises(StakeError, match="the date of death 1066-10-14 is not a day from 1900"):
        services.settle_on_death(energy, a, died_on=date(1066, 10, 14), on=date(2025, 3, 1))
    elsewhere = found(slug="elsewhere")
    with pytest.raises(StakeError, match="is not on .*'s register"):
        services.settle_on_death(elsewhere, a, died_on=date(2025, 2, 1), on=date(2025, 3, 1))
    for settle in (
        lambda: services.settle_on_death(energy, a, died_on=date(2025, 2, 1),
                                         on=date(2025, 3, 1), shown_pence=80_001),
        lambda: services.settle_on_bankruptcy(energy, a, trustee_name="T", shown_pence=1,
                                              adjudged_on=date(2025, 2, 1), on=date(2025, 3, 1)),
    ):  # fmt: skip
        with pytest.raises(StakeError, match="holding changed since the page was shown"):
            settle()
    assert balance(a) == 80_000
    _, to_nominee, to_estate = services.death_payouts(energy, a, died_on=date(2025, 2, 1),
                                                      held_pence=80_000)  # fmt: skip
    assert (to_nominee, to_estate) == (0, 80_000)  # no nomination: all to the estate
    assert services.settle_on_death(energy, a, died_on=date(2025, 2, 1), on=date(2025, 3, 1),
                                    shown_pence=80_000) == [("personal representatives",
                                                             80_000)]  # fmt: skip


def test_a_nominee_who_is_an_officer_must_be_a_close_relative(energy):
    (member,) = make_members(energy, 1)
    with pytest.raises(StakeError, match="s.37"):
        services.nominate(energy, member, nominee_name="Pat", nominee_address="4 Pit Row",
                          made_on=date(2025, 1, 1), nominee_is_officer_or_employee=True,
                          relationship="friend")  # fmt: skip
    made = services.nominate(energy, member, nominee_name="Pat", nominee_address="4 Pit Row",
                             made_on=date(2025, 1, 1), nominee_is_officer_or_employee=True,
                             relationship="Niece")  # fmt: skip
    assert made.relationship == "niece"


def test_the_withdrawals_command_pays_what_is_due(energy, capsys):
    import json

    from mutualise.cli import main

    members = make_members(energy, 10)
    holding(energy, members, 100_000)
    services.request_withdrawal(energy, members[0], 100_000, on=date(2025, 1, 6))
    services.request_withdrawal(energy, members[1], 50_000, on=date(2025, 1, 6))
    assert main(["shares", "withdrawals", "--org", energy.slug, "--on", "2025-06-01"]) == 0
    shown = json.loads(capsys.readouterr().out)
    not_paid = shown.pop("not_paid")
    assert shown == {"on": "2025-06-01", "allowance_pence": 100_000, "paid_pence": 100_000,
                     "paid": 2, "queued_pence": 50_000, "lapsed_pence": 0}  # fmt: skip
    assert len(not_paid) == 2 and all("allowance" in why for why in not_paid.values())
    services.suspend_withdrawals(energy, from_on=date(2025, 7, 1), reason="repairs")
    assert main(["shares", "withdrawals", "--org", energy.slug, "--on", "2025-07-02"]) == 2
    assert "suspended from 2025-07-01 (repairs)" in capsys.readouterr().err


def test_a_withdrawal_cannot_be_recorded_past_the_request_and_the_round(energy):
    # Within the moratorium, before any notice, and under a suspension: a plain movement of the
    # withdrawal kind would pay it out at once; only request_withdrawal and pay_withdrawals may.
    (member,) = make_members(energy, 1)
    holding(energy, [member], 100_000, on=date(2025, 1, 6))
    services.suspend_withdrawals(energy, from_on=date(2025, 1, 7), reason="cash flow")
    with pytest.raises(StakeError, match="request and a payment round"):
        services.record_movement(energy, member, "withdrawal", 10_000, on=date(2025, 1, 8))
    assert balance(member) == 100_000
    assert not AuditEvent.objects.filter(organisation=energy, action="shares.withdrawal").exists()
