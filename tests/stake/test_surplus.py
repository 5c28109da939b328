"""Surplus allocation on the model rulebooks: the John Lewis equal-percentage bonus from a
payroll file; a co-operative's patronage dividend in proportion to trade; a community benefit
society refused one; a CIC's dividend cap; previewed, approved as the rulebook says, posted."""

from datetime import date
from fractions import Fraction

import pytest
from stake_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.constitution import RulebookError, load_text, model_path
from mutualise.stake import bulk, services
from mutualise.stake.models import SurplusPayment, SurplusPot
from mutualise.stake.services import StakeError

YEAR_END = date(2026, 1, 31)

PAYROLL = """Membership number,Name,Gross pay
1,A Partner,"21,500.00"
2,B Partner,34000
3,C Partner,18250.50
4,D Partner,£96000.99
"""


def test_an_equal_percentage_bonus_from_a_payroll_file(db):
    jlp = found("employee-owned-partnership", "partners")
    make_members(jlp, 4)
    run = services.preview_surplus(jlp, year_ending=YEAR_END, surplus_pence=10_000_000,
                                   pots={}, bonus_rate=Fraction(11, 100), payroll=PAYROLL)  # fmt: skip
    pay = {1: 2_150_000, 2: 3_400_000, 3: 1_825_050, 4: 9_600_099}
    bonus = run.pots.get(use="equal-percentage-of-pay")
    assert bonus.amount_pence == sum(pay.values()) * 11 // 100  # 11% of the pay bill, rounded down
    parts = dict(SurplusPayment.objects.filter(pot=bonus).values_list("member__number",
                                                                        "amount_pence"))  # fmt: skip
    assert sum(parts.values()) == bonus.amount_pence  # exact to the penny
    for number, pence in parts.items():
        assert abs(pence - Fraction(11, 100) * pay[number]) < 1  # the same 11% for everyone
    # Exact pence: 11% is 236500, 374000, 200755.50 and 1056010.89; the one penny the floors
    # leave goes to the largest remainder (member 4's 0.89), not to member 3's 0.50.
    assert bonus.amount_pence == 1_867_266
    assert parts == {1: 236_500, 2: 374_000, 3: 200_755, 4: 1_056_011}
    reserves = run.pots.get(use="reserves")
    assert reserves.amount_pence + bonus.amount_pence == 10_000_000
    assert [p.use for p in run.pots.order_by("position")] == ["reserves", "equal-percentage-of-pay"]
    with pytest.raises(StakeError, match="posted once approved"):
        services.post_surplus(run)
    assert services.required_approval(jlp) == "board"
    services.approve_surplus(run, approved_on=date(2026, 3, 5), reference="Board minute 2026/14")
    services.post_surplus(run)
    (event,) = AuditEvent.objects.filter(action="shares.surplus_posted")
    assert event.data["payments_sha256"] == services.surplus_digest(run)
    lines = [f"equal-percentage-of-pay:{n}:{parts[n]}" for n in sorted(parts)]
    assert services.surplus_digest(run) == bulk.digest(lines)  # the database's digest, too


def test_bad_payroll_rows_are_each_named(db):
    jlp = found("employee-owned-partnership", "partners")
    make_members(jlp, 2)
    bad = "Membership number,Gross pay\n1,12x\nnope,100\n2,100\n2,200\n"
    with pytest.raises(StakeError) as caught:
        services.preview_surplus(jlp, year_ending=YEAR_END, surplus_pence=100, pots={},
                                 bonus_rate=Fraction(1, 10), payroll=bad)  # fmt: skip
    message = str(caught.value)
    assert "3 bad rows" in message and "row 2, 'Gross pay': '12x'" in message
    assert "row 3, 'Membership number'" in message and "row 5: member 2 is listed twice" in message
    with pytest.raises(StakeError, match="not on the register: 9"):
        services.preview_surplus(jlp, year_ending=YEAR_END, surplus_pence=100, pots={},
                                 bonus_rate=Fraction(1, 10), payroll="Membership number,Gross pay\n9,1\n")  # fmt: skip
    with pytest.raises(StakeError, match="columns 'Membership number' and 'Gross pay'"):
        services.preview_surplus(jlp, year_ending=YEAR_END, surplus_pence=100, pots={},
                                 bonus_rate=Fraction(1, 10), payroll="Number,Pay\n1,1\n")  # fmt: skip


def test_a_co_operatives_patronage_dividend_follows_trade_in_the_rules_order(db):
    coop = found("co-operative-society", "coop")
    make_members(coop, 3)
    trade = "Membership number,Trade\n1,100.00\n2,200.00\n3,400.00\n"
    with pytest.raises(StakeError, match="above the rules' limit of 10%"):
        services.preview_surplus(coop, year_ending=YEAR_END, surplus_pence=100_000,
                                 pots={"community-purposes": 10_001})  # fmt: skip
    with pytest.raises(StakeError, match="not a use of surplus"):
        services.preview_surplus(coop, year_ending=YEAR_END, surplus_pence=100_000,
                                 pots={"equal-percentage-of-pay": 1})  # fmt: skip
    run = services.preview_surplus(
        coop, year_ending=YEAR_END, surplus_pence=100_000, trade=trade,
        pots={"community-purposes": 10_000, "patronage-dividend": 50_000,
              "interest-on-shares": 5_000},
    )  # fmt: skip
    assert list(run.pots.values_list("use", "amount_pence")) == [
        ("reserves", 35_000), ("interest-on-shares", 5_000), ("patronage-dividend", 50_000),
        ("community-purposes", 10_000),
    ]  # fmt: skip
    dividend = dict(SurplusPayment.objects.values_list("member__number", "amount_pence"))
    assert dividend == {1: 7_143, 2: 14_286, 3: 28_571}  # 1:2:4, exact to the penny
    with pytest.raises(StakeError, match="ordinary approval"):
        services.approve_surplus(run, approved_on=date(2026, 6, 1))
    with pytest.raises(StakeError, match="no resolution 999"):
        services.approve_surplus(run, approved_on=date(2026, 6, 1), resolution_id=999)
    services.approve_surplus(run, approved_on=date(2026, 6, 1), reference="AGM 2026, res. 4")
    services.post_surplus(run)
    with pytest.raises(StakeError, match="already posted|this one is posted"):
        services.post_surplus(run)


def test_a_community_benefit_society_may_not_pay_a_trade_dividend(db):
    cbs = found("community-benefit-society", "cbs")
    with pytest.raises(StakeError, match="not a use of surplus"):
        services.preview_surplus(cbs, year_ending=YEAR_END, surplus_pence=100,
                                 pots={"patronage-dividend": 100})  # fmt: skip
    # Nor may its rules provide one, even without the statutory asset lock.
    text = model_path("community-benefit-society").read_text()
    text = text.replace("    - use: community-purposes", "    - use: patronage-dividend", 1)
    text = text[: text.index("asset_lock:")] + "asset_lock:\n  kind: none\n"
    with pytest.raises(RulebookError, match="may not pay a dividend on members' trade"):
        load_text(text, "cbs.yaml")


def test_a_cic_dividend_is_capped_at_its_share_of_distributable_profits(db):
    cic = found("public-service-mutual", "cic")
    with pytest.raises(StakeError, match="give the distributable profits"):
        services.preview_surplus(cic, year_ending=YEAR_END, surplus_pence=100_000,
                                 pots={"dividend": 30_000})  # fmt: skip
    with pytest.raises(StakeError, match="above the cap of 35%"):
        services.preview_surplus(cic, year_ending=YEAR_END, surplus_pence=100_000,
                                 pots={"dividend": 35_001}, distributable_pence=100_000)  # fmt: skip
    run = services.preview_surplus(cic, year_ending=YEAR_END, surplus_pence=100_000,
                                   pots={"dividend": 35_000}, distributable_pence=100_000)  # fmt: skip
    assert SurplusPot.objects.get(run=run, use="dividend").amount_pence == 35_000


def test_the_surplus_command_previews_or_approves_and_posts(db, tmp_path, capsys):
    import json

    from mutualise.cli import main

    jlp = found("employee-owned-partnership", "partners")
    make_members(jlp, 4)
    payroll = tmp_path / "payroll.csv"
    payroll.write_text(PAYROLL)
    args = ["shares", "surplus", "--org", "partners", "--year-ending", "2026-01-31",
            "--surplus", "100000", "--bonus", "11%", "--payroll", str(payroll)]  # fmt: skip
    assert main(args) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == "previewed" and shown["pots"][1]["payments"] == 4
    assert main([*args, "--approved-on", "2026-03-05", "--reference", "Board minute 14"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "posted"
    assert main([*args[:-1], str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
