"""The asset lock enforced where it matters: a transfer to a body without a lock is refused and
nothing is recorded; a rule change removing a statutory lock is refused at adoption."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from stake_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.register import services as register
from mutualise.register.models import Role
from mutualise.stake import services
from mutualise.stake.models import AssetTransfer, Movement, ShareAccount, WithdrawalRequest
from mutualise.stake.services import StakeError

LOCK = re.compile(r"^asset_lock:\n(?:[ #].*\n|\n)*", re.MULTILINE)


@pytest.fixture
def energy(db):
    return found()


def test_an_asset_transfer_to_a_non_locked_body_is_refused(energy):
    with pytest.raises(StakeError, match="not to a co-operative-body"):
        services.transfer_assets(
            energy, recipient_kind="co-operative-body", recipient_name="Acme Co-op Ltd",
            amount_pence=5_000_000, on=date(2025, 5, 1), purpose="sale of the turbine",
        )  # fmt: skip
    assert not AssetTransfer.objects.exists()
    moved = services.transfer_assets(
        energy, recipient_kind="charity", recipient_name="Valley Energy Trust",
        amount_pence=5_000_000, on=date(2025, 5, 1), purpose="gift of the turbine",
    )  # fmt: skip
    event = AuditEvent.objects.get(organisation=energy, action="assets.transferred")
    assert event.subject_id == str(moved.pk)


def test_a_rule_change_removing_the_statutory_lock_is_refused_at_adoption(energy):
    text = LOCK.sub("asset_lock:\n  kind: none\n\n", energy.current_version.source_text)
    with pytest.raises(register.OrganisationError, match="cannot be removed"):
        register.adopt_constitution(
            energy, text=text, source_name="amended.yaml", actor="test", reason="SR 4"
        )
    assert energy.constitution_versions.count() == 1
    assert energy.constitution.asset_lock.kind == "cbs-statutory"


def pay_out(org, purpose_kind, pence, **given):
    given.setdefault("recipient_name", "Valley Energy Trust")
    return services.transfer_assets(
        org, purpose_kind=purpose_kind, amount_pence=pence, on=date(2025, 6, 1),
        purpose=given.pop("purpose", "winding up"), **given,
    )  # fmt: skip


def test_a_creditor_is_paid_and_a_full_value_sale_is_refused_under_a_society_lock(energy):
    paid = pay_out(energy, "creditor", 120_000, recipient_name="Turbine Servicing Ltd")
    assert (paid.purpose_kind, paid.dissolution) == ("creditor", False)
    with pytest.raises(StakeError, match="refused: .* for value alone; only a CIC"):
        pay_out(energy, "full-value", 5_000_000, recipient_name="Acme Ltd")
    with pytest.raises(StakeError, match="refused: unknown purpose 'bonus'"):
        pay_out(energy, "bonus", 100, recipient_name="The chair")
    assert AssetTransfer.objects.filter(organisation=energy).count() == 1
    event = AuditEvent.objects.get(organisation=energy, action="assets.transferred")
    assert event.data["purpose"] == "creditor" and event.subject_id == str(paid.pk)


def test_share_capital_is_repaid_on_dissolution_at_no_more_than_paid_up(energy):
    member = make_members(energy, 1)[0]
    services.record_movement(energy, member, "allotment", 30_000, on=date(2024, 2, 1))
    with pytest.raises(StakeError, match="holds 30000p, not 30001p"):
        pay_out(energy, "share-capital", 30_001, member=member, dissolution=True)
    with pytest.raises(StakeError, match="only through request_withdrawal"):
        pay_out(energy, "share-capital", 30_000, member=member)  # not a dissolution
    assert not AssetTransfer.objects.exists()
    repaid = pay_out(energy, "share-capital", 30_000, member=member, dissolution=True)
    assert repaid.repayment.kind == Movement.Kind.WITHDRAWAL
    assert ShareAccount.objects.get(member=member).balance_pence == 0
    with pytest.raises(StakeError, match="holds 0p, not 1p"):  # not repaid twice
        pay_out(energy, "share-capital", 1, member=member, dissolution=True)
    assert services.verify_ledger(energy) == []


def test_on_dissolution_creditors_are_paid_and_the_residue_goes_only_to_a_locked_body(energy):
    pay_out(energy, "creditor", 100, recipient_name="Bank", dissolution=True)
    with pytest.raises(StakeError, match="not to a co-operative-body"):
        pay_out(energy, "locked-body", 100, recipient_kind="co-operative-body", dissolution=True)
    left = pay_out(energy, "locked-body", 100, recipient_kind="charity", dissolution=True)
    assert left.dissolution and AssetTransfer.objects.count() == 2


def test_a_cic_parts_with_assets_at_full_value_but_not_to_an_unlocked_body(db):
    cic = found("public-service-mutual", "cic")
    sold = pay_out(cic, "full-value", 2_500_000, recipient_name="Acme Ltd", purpose="van sale")
    assert sold.purpose_kind == "full-value"
    with pytest.raises(StakeError, match="not to a co-operative-body"):
        pay_out(cic, "locked-body", 100, recipient_kind="co-operative-body")
    with pytest.raises(StakeError, match="the residue goes only for community benefit"):
        pay_out(cic, "full-value", 100, dissolution=True)


def test_only_the_board_or_an_officer_may_pay_out(energy):
    outsider = get_user_model().objects.create_user("nosy", password="x")
    with pytest.raises(StakeError, match="nosy may not transfer the organisation's assets"):
        pay_out(energy, "creditor", 100, actor=outsider)
    assert not AssetTransfer.objects.exists()


def test_on_death_each_part_paid_out_is_a_payment_the_lock_permits_and_recorded(energy):
    member = make_members(energy, 1)[0]
    services.record_movement(energy, member, "allotment", 800_000, on=date(2024, 2, 1))
    services.nominate(energy, member, nominee_name="Alex", nominee_address="3 Mill Lane",
                      made_on=date(2024, 3, 1))  # fmt: skip
    services.settle_on_death(energy, member, died_on=date(2025, 2, 1), on=date(2025, 3, 1))
    parts = AssetTransfer.objects.filter(organisation=energy).order_by("id")
    assert [(t.purpose_kind, t.recipient_name, t.amount_pence, t.member_id) for t in parts] == [
        ("on-death", "Alex", 500_000, member.pk),
        ("on-death", "the personal representatives of Member 1", 300_000, member.pk),
    ]
    assert all(t.repayment.kind == Movement.Kind.DEATH for t in parts)
    assert AuditEvent.objects.filter(action="assets.transferred").count() == 2
    with pytest.raises(StakeError, match="through settle_on_death"):
        pay_out(energy, "on-death", 1, recipient_name="A cousin")


def test_a_bankrupt_members_shares_are_paid_to_the_trustee_at_no_more_than_paid_up(energy):
    """The statutory lock refuses payments out but must allow this one (SI 2006/264 Sch.1
    para 2(d)): all or part of the holding to the trustee in bankruptcy, never above it."""
    ann, bob = make_members(energy, 2)
    services.record_movement(energy, ann, "allotment", 40_000, on=date(2024, 2, 1))
    services.request_withdrawal(energy, ann, 10_000, on=date(2025, 1, 6))
    settle = services.settle_on_bankruptcy
    with pytest.raises(StakeError, match="holds 40000p, not 40001p"):
        settle(energy, ann, trustee_name="R. Smith (Official Receiver)",
               adjudged_on=date(2025, 2, 1), on=date(2025, 3, 1), amount_pence=40_001)  # fmt: skip
    with pytest.raises(StakeError, match="before the bankruptcy order"):
        settle(energy, ann, trustee_name="R. Smith", adjudged_on=date(2025, 2, 1),
               on=date(2025, 1, 1))  # fmt: skip
    with pytest.raises(StakeError, match="name the trustee"):
        settle(energy, ann, trustee_name="  ", adjudged_on=date(2025, 2, 1), on=date(2025, 3, 1))
    with pytest.raises(StakeError, match="holds no shares"):
        settle(energy, bob, trustee_name="R. Smith", adjudged_on=date(2025, 2, 1),
               on=date(2025, 3, 1))  # fmt: skip
    assert not AssetTransfer.objects.exists()
    part = settle(energy, ann, trustee_name="R. Smith (Official Receiver)",
                  adjudged_on=date(2025, 2, 1), on=date(2025, 3, 1), amount_pence=25_000)  # fmt: skip
    assert (part.kind, part.amount_pence, part.reference) == ("bankruptcy", -25_000, "bankruptcy")
    rest = settle(energy, ann, trustee_name="R. Smith (Official Receiver)",
                  adjudged_on=date(2025, 2, 1), on=date(2025, 3, 1))  # fmt: skip
    assert rest.amount_pence == -15_000
    assert ShareAccount.objects.get(member=ann).balance_pence == 0
    paid = AssetTransfer.objects.filter(organisation=energy, purpose_kind="bankruptcy")
    assert sorted(paid.values_list("amount_pence", flat=True)) == [15_000, 25_000]
    assert {t.recipient_name for t in paid} == {"R. Smith (Official Receiver)"}
    # The withdrawal request the holding no longer covers has lapsed.
    asked = WithdrawalRequest.objects.get(member=ann)
    assert (asked.state, asked.lapsed_pence) == ("lapsed", 10_000)
    assert AuditEvent.objects.filter(action="shares.settled_on_bankruptcy").count() == 2
    assert services.verify_ledger(energy) == []
    with pytest.raises(StakeError, match="through settle_on_bankruptcy"):
        pay_out(energy, "bankruptcy", 1, recipient_name="R. Smith")


def test_only_the_register_keeper_pays_a_bankrupt_members_shares(energy):
    (ann,) = make_members(energy, 1)
    services.record_movement(energy, ann, "allotment", 40_000, on=date(2024, 2, 1))
    board = get_user_model().objects.create_user("director")
    register.grant_role(energy, board, Role.Kind.BOARD, actor="test")
    with pytest.raises(StakeError, match="director may not pay a bankrupt member's shares"):
        services.settle_on_bankruptcy(energy, ann, trustee_name="R. Smith",
                                      adjudged_on=date(2025, 2, 1), on=date(2025, 3, 1),
                                      actor=board)  # fmt: skip
    assert ShareAccount.objects.get(member=ann).balance_pence == 40_000
