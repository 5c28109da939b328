"""The share ledger: append-only, the balance always the sum of its entries, never negative, never
above the maximum holding (the rulebook's, and the Act's GBP 100,000 on withdrawable shares)."""

import contextlib
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stake_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.constitution import model_path
from mutualise.register import services as register
from mutualise.stake import services
from mutualise.stake.models import Movement, ShareAccount
from mutualise.stake.services import StakeError

ON = date(2025, 3, 1)


@pytest.fixture
def energy(db):
    return found()


def test_an_allotment_is_an_audited_entry_and_the_balance(energy):
    (member,) = make_members(energy, 1)
    movement = services.record_movement(energy, member, "allotment", 50_000, on=ON, actor="test")
    account = ShareAccount.objects.get(member=member)
    assert (account.balance_pence, movement.balance_after_pence) == (50_000, 50_000)
    event = AuditEvent.objects.get(organisation=energy, action="shares.allotment")
    assert event.subject_id == str(movement.pk)
    assert event.data == {"member": member.number, "pence": 50_000, "balance": 50_000}


def test_a_withdrawal_below_nothing_is_refused_and_nothing_is_written(energy):
    (member,) = make_members(energy, 1)
    services.record_movement(energy, member, "allotment", 30_000, on=ON)
    with pytest.raises(StakeError, match="less than nothing"):
        services.record_movement(energy, member, "forfeit", 30_001, on=ON)
    assert Movement.objects.filter(organisation=energy).count() == 1
    assert ShareAccount.objects.get(member=member).balance_pence == 30_000


def test_a_back_dated_movement_out_may_not_leave_less_than_nothing_on_any_day(energy):
    """Found walking the settle pages: a payment dated before the allotment was taken, and the
    history (in the order the movements take effect) went below nothing, then back up."""
    (member,) = make_members(energy, 1)
    services.record_movement(energy, member, "allotment", 10_000, on=ON)
    with pytest.raises(StakeError, match="held 0p on 2020-01-02"):
        services.record_movement(energy, member, "forfeit", 50, on=date(2020, 1, 2))
    services.record_movement(energy, member, "forfeit", 5_000, on=date(2025, 6, 1))
    services.record_movement(energy, member, "allotment", 20_000, on=date(2025, 8, 1))
    # 25,000 held today, but on 1 June only 5,000 was, after that day's forfeit.
    with pytest.raises(StakeError, match="less than nothing on 2025-06-01"):
        services.record_movement(energy, member, "forfeit", 8_000, on=date(2025, 4, 1))
    # Back-dated within what was held on every day: taken.
    services.record_movement(energy, member, "forfeit", 5_000, on=date(2025, 4, 1))
    assert Movement.objects.filter(organisation=energy).count() == 4
    assert ShareAccount.objects.get(member=member).balance_pence == 20_000


def test_the_history_shows_each_days_balance_in_the_order_they_take_effect(energy):
    from mutualise.stake.views import account_holding

    (member,) = make_members(energy, 1)
    services.record_movement(energy, member, "allotment", 30_000, on=ON)
    services.record_movement(energy, member, "forfeit", 10_000, on=date(2025, 6, 1))
    services.record_movement(energy, member, "forfeit", 5_000, on=date(2025, 4, 1))  # recorded last
    _, _, shown = account_holding(member, energy.constitution.shares)
    assert [(day, balance) for day, _, _, balance in shown["rows"]] == [
        (ON, "£300.00"), (date(2025, 4, 1), "£250.00"), (date(2025, 6, 1), "£150.00"),
    ]  # fmt: skip


def test_the_maximum_holding_is_the_rulebooks_and_the_acts(energy, db):
    (member,) = make_members(energy, 1)
    assert services.maximum_holding(energy) == 10_000_000  # GBP 100,000 in the model rulebook
    services.record_movement(energy, member, "allotment", 10_000_000, on=ON)
    with pytest.raises(StakeError, match="above the maximum holding of 10000000p"):
        services.record_movement(energy, member, "payment", 1, on=ON)
    trust = found("supporters-trust", "fans-trust")
    assert services.maximum_holding(trust) == 100  # one GBP 1 share each


def test_the_acts_cap_binds_a_rulebook_that_sets_no_maximum(db):
    text = (
        model_path("community-energy-coop")
        .read_text()
        .replace("maximum_holding_pence: 10000000", "maximum_holding_pence: null")
    )
    org = register.create_organisation(
        name="No cap", constitution_text=text, source_name="x.yaml", actor="test", slug="no-cap"
    )
    assert services.maximum_holding(org) == 10_000_000


def test_a_supporters_trust_member_holds_a_single_one_pound_share(db):
    trust = found("supporters-trust", "fans-trust")
    (fan,) = make_members(trust, 1)
    services.record_movement(trust, fan, "allotment", 100, on=ON)
    with pytest.raises(StakeError, match="above the maximum holding of 100p"):
        services.record_movement(trust, fan, "allotment", 100, on=ON)
    with pytest.raises(StakeError, match="not withdrawable"):
        services.request_withdrawal(trust, fan, 100, on=ON)
    services.record_movement(trust, fan, "cessation", 100, on=date(2025, 6, 1))
    assert ShareAccount.objects.get(member=fan).balance_pence == 0
    assert services.verify_ledger(trust) == []


def test_allotments_are_whole_shares_and_amounts_positive(energy):
    (member,) = make_members(energy, 1)
    with pytest.raises(StakeError, match="whole shares"):
        services.record_movement(energy, member, "allotment", 150, on=ON)  # GBP 1 shares
    with pytest.raises(StakeError, match="positive number of pence"):
        services.record_movement(energy, member, "payment", -5, on=ON)
    with pytest.raises(StakeError, match="unknown movement 'gift'"):
        services.record_movement(energy, member, "gift", 5, on=ON)


def test_transfers_only_where_the_rulebook_allows(energy):
    a, b = make_members(energy, 2)
    services.record_movement(energy, a, "allotment", 1000, on=ON)
    with pytest.raises(StakeError, match="not transferable"):
        services.transfer(energy, a, b, 500, on=ON)
    with pytest.raises(StakeError, match="use transfer"):
        services.record_movement(energy, a, "transfer-out", 500, on=ON)


def test_a_transfer_is_two_entries_that_point_at_each_other(db):
    text = model_path("co-operative-society").read_text()
    text = text.replace("transferable: false", "transferable: true")
    org = register.create_organisation(
        name="Transfers", constitution_text=text, source_name="x.yaml", actor="t", slug="tr"
    )
    a, b = make_members(org, 2)
    services.record_movement(org, a, "allotment", 1000, on=ON)
    gone, came = services.transfer(org, a, b, 400, on=ON)
    assert (gone.amount_pence, came.amount_pence, came.counterpart_id) == (-400, 400, gone.pk)
    assert ShareAccount.objects.get(member=b).balance_pence == 400
    with pytest.raises(StakeError, match="less than nothing"):
        services.transfer(org, a, b, 601, on=ON)
    assert services.verify_ledger(org) == []


def test_a_member_of_another_organisation_is_refused(energy, db):
    other = found("co-operative-society", "other-coop")
    (stranger,) = make_members(other, 1)
    with pytest.raises(StakeError, match="not on"):
        services.record_movement(energy, stranger, "allotment", 100, on=ON)


def test_a_signed_in_user_without_the_role_may_not_record(energy):
    (member,) = make_members(energy, 1)
    user = get_user_model().objects.create_user("nosy", password="x")
    with pytest.raises(StakeError, match="may not record share movements"):
        services.record_movement(energy, member, "allotment", 100, on=ON, actor=user)
    register.grant_role(energy, user, "officer", actor="test")
    services.record_movement(energy, member, "allotment", 100, on=ON, actor=user)


def test_an_entry_is_never_changed_or_deleted(energy):
    (member,) = make_members(energy, 1)
    movement = services.record_movement(energy, member, "allotment", 100, on=ON)
    movement.note = "edited"
    with pytest.raises(ValueError, match="never changed"):
        movement.save()
    with pytest.raises(ValueError, match="never deleted"):
        movement.delete()


def test_the_database_refuses_a_negative_holding_or_a_sign_against_its_kind(energy):
    (member,) = make_members(energy, 1)
    movement = services.record_movement(energy, member, "allotment", 100, on=ON)
    account = movement.account
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareAccount.objects.filter(pk=account.pk).update(balance_pence=-1)
    fields = dict(organisation=energy, account=account, on=ON, recorded_at=movement.recorded_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.create(
            kind="withdrawal", amount_pence=5, balance_after_pence=105, **fields
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.create(kind="payment", amount_pence=-5, balance_after_pence=95, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.create(
            kind="withdrawal", amount_pence=-200, balance_after_pence=-100, **fields
        )


def test_verify_ledger_finds_a_balance_changed_behind_the_ledgers_back(energy):
    (member,) = make_members(energy, 1)
    services.record_movement(energy, member, "allotment", 100, on=ON)
    ShareAccount.objects.filter(member=member).update(balance_pence=500)
    (problem,) = services.verify_ledger(energy)
    assert (problem.member_number, problem.balance_pence, problem.entries_pence) == (1, 500, 100)


kinds = st.sampled_from(["allotment", "payment", "withdrawal", "forfeit", "death", "cessation"])
steps = st.lists(
    st.tuples(st.integers(0, 2), kinds, st.integers(1, 40).map(lambda n: n * 250_000)),
    max_size=15,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_the_ledger_always_balances_and_no_one_exceeds_the_maximum(energy, moves):
    with transaction.atomic():
        members = make_members(energy, 3)
        ceiling = services.maximum_holding(energy)
        for who, kind, pence in moves:
            with contextlib.suppress(StakeError):
                services.record_movement(energy, members[who], kind, pence, on=ON)
        assert services.verify_ledger(energy) == []
        for account in ShareAccount.objects.filter(organisation=energy):
            assert 0 <= account.balance_pence <= ceiling
        for movement in Movement.objects.filter(organisation=energy):
            assert 0 <= movement.balance_after_pence <= ceiling
        transaction.set_rollback(True)
