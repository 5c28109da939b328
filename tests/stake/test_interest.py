"""Interest per day held at a declared rate up to the rulebook's cap; previewed, then posted in
one transaction, every total exact to the penny."""

import json
from datetime import date
from fractions import Fraction

import pytest
from stake_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.cli import main
from mutualise.stake import services
from mutualise.stake.models import InterestPayment, Movement, ShareAccount
from mutualise.stake.services import StakeError

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def energy(db):
    """A year of a community energy co-op: one member all year, one joining mid-year, one
    leaving mid-year, one topping up; and a holding at the maximum."""
    org = found()
    whole, joiner, leaver, topper, full = make_members(org, 5)
    allot = services.record_movement
    allot(org, whole, "allotment", 100_000, on=date(2024, 6, 1))  # all year: 1000 GBP
    allot(org, joiner, "allotment", 50_000, on=date(2025, 7, 1))  # 184 days
    allot(org, leaver, "allotment", 30_000, on=date(2023, 1, 1))
    allot(org, leaver, "cessation", 30_000, on=date(2025, 4, 1))  # held 1 Jan - 31 Mar: 90 days
    allot(org, topper, "allotment", 25_000, on=date(2024, 1, 1))
    allot(org, topper, "payment", 33_333, on=date(2025, 10, 1))
    allot(org, full, "allotment", 10_000_000, on=date(2024, 1, 1))
    return org


def expected(rate):
    exact = {
        1: rate * 100_000 * 365 / 365,
        2: rate * 50_000 * 184 / 365,
        3: rate * 30_000 * 90 / 365,
        4: rate * (25_000 * 365 + 33_333 * 92) / 365,
        5: rate * 10_000_000,
    }
    return exact


def test_a_year_with_members_joining_and_leaving_is_exact_to_the_penny(energy):
    rate = Fraction(3, 100)
    preview = services.preview_interest(energy, rate, *YEAR)
    exact = expected(rate)
    assert preview.total_pence == int(sum(exact.values()))  # rounded down: never above the rate
    assert sum(preview.by_member.values()) == preview.total_pence
    for number, pence in preview.by_member.items():
        assert abs(pence - exact[number]) < 1
    assert preview.by_member[1] == 3000 and preview.by_member[5] == 300_000
    assert preview.by_member[3] in (221, 222)  # 30,000p x 3% x 90/365 = 221.9p
    # Exact pence: 3000, 756.16, 221.92, 1002.05 and 300000 floored (304978) and the total's
    # 304980 (its exact sum floored) leaves 2p, to the largest remainders (221.92, 756.16).
    assert preview.total_pence == 304_980
    assert preview.by_member == {1: 3000, 2: 756, 3: 222, 4: 1002, 5: 300_000}


def test_posting_credits_each_part_once_and_pays_out_what_would_pass_the_maximum(energy):
    rate = Fraction(3, 100)
    run, preview = services.post_interest(energy, rate, *YEAR, actor="board")
    credited = Movement.objects.filter(organisation=energy, kind="interest")
    paid = InterestPayment.objects.filter(run=run)  # what was paid out, not credited
    assert dict(credited.values_list("account__member__number", "amount_pence")) == {
        n: preview.by_member[n] for n in (1, 2, 4)
    }
    # 5 holds GBP 100,000 already and 3 has withdrawn everything: paid, not credited.
    assert dict(paid.values_list("member__number", "amount_pence")) == {
        n: preview.by_member[n] for n in (3, 5)
    }
    assert (
        sum(m.amount_pence for m in credited) + sum(p.amount_pence for p in paid)
        == (preview.total_pence)
        == run.total_pence
    )
    assert ShareAccount.objects.get(member__number=5).balance_pence == 10_000_000
    assert ShareAccount.objects.get(member__number=1).balance_pence == 103_000
    assert {m.balance_after_pence for m in credited.filter(account__member__number=1)} == {103_000}
    assert services.verify_ledger(energy) == []
    # One event for the run, carrying the digest of every part; none per member.
    assert not AuditEvent.objects.filter(organisation=energy, action="shares.interest").exists()
    (event,) = AuditEvent.objects.filter(action="shares.interest_posted")
    assert event.data["postings_sha256"] == services.posted_digest(run) == preview.digest()
    with pytest.raises(StakeError, match="already been posted"):
        services.post_interest(energy, rate, *YEAR)


def test_the_runs_digest_shows_a_part_changed_behind_the_ledgers_back(energy):
    run, _ = services.post_interest(energy, Fraction(3, 100), *YEAR)
    sealed = services.posted_digest(run)
    InterestPayment.objects.filter(run=run, member__number=5).update(amount_pence=1)
    assert services.posted_digest(run) != sealed


def test_a_rate_above_the_rulebooks_cap_is_refused(energy, db):
    with pytest.raises(StakeError, match="above the rulebook's maximum 8.0000%"):
        services.preview_interest(energy, Fraction(81, 1000), *YEAR)
    trust = found("supporters-trust", "fans-trust")
    with pytest.raises(StakeError, match="declares no maximum rate"):
        services.preview_interest(trust, Fraction(1, 100), *YEAR)


def test_the_command_previews_then_posts(energy, capsys):
    args = ["shares", "interest", "--org", "sunny-energy", "--rate", "3%", "--period",
            "2025-01-01:2025-12-31", "--format", "json"]  # fmt: skip
    assert main(args) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["posted"] is False
    assert shown["total_pence"] == sum(m["pence"] for m in shown["members"])
    assert not Movement.objects.filter(kind="interest").exists()
    assert main([*args, "--post"]) == 0
    posted = json.loads(capsys.readouterr().out)
    assert posted["posted"] is True and posted["total_pence"] == shown["total_pence"]
    assert main([*args[:5], "lots", *args[6:]]) == 2
    assert "not a number" in capsys.readouterr().err
    assert main([*args[:7], "2025-13-01:x", *args[8:]]) == 2
    assert "START:END" in capsys.readouterr().err
