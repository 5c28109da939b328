"""Stake's documents: the interest return to HMRC for payees at or above the threshold, the
member's yearly statement and their share certificates (PDF), where the rulebook issues them."""

from datetime import date
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from stake_helpers import found, make_members

from mutualise.cli import main
from mutualise.register.models import Member
from mutualise.stake import documents, services
from mutualise.stake.models import Movement

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def energy(db):
    org = found()
    small, large, gone = make_members(org, 3)
    services.record_movement(org, small, "allotment", 100_000, on=date(2024, 6, 1))
    services.record_movement(org, large, "allotment", 1_000_000, on=date(2024, 6, 1))
    services.record_movement(org, gone, "allotment", 1_000_000, on=date(2024, 6, 1))
    services.record_movement(org, gone, "cessation", 1_000_000, on=date(2025, 7, 1))
    services.post_interest(org, Fraction(5, 100), *YEAR)
    return org


def test_the_hmrc_return_lists_payees_at_or_above_the_threshold(energy, capsys):
    # 5% on GBP 1,000 is GBP 50 (below GBP 250); on GBP 10,000 GBP 500, credited; the member who
    # left on 1 July is paid GBP 247.94 (181 days), under the threshold too.
    paid = documents.interest_by_member(energy, *YEAR)
    assert sorted(paid.values()) == [5_000, 24_794, 50_000]
    assert main(["shares", "hmrc", "--org", energy.slug, "--period",
                 "2025-01-01:2025-12-31"]) == 0  # fmt: skip
    lines = capsys.readouterr().out.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Membership number,Name,Address,Postcode,Interest paid gross")
    assert lines[1:] == ["2,Member 2,1 High Street,SW2 1AA,500.00,2025-01-01,2025-12-31"]


def test_a_member_downloads_their_statement_and_certificates(client, energy):
    ann = get_user_model().objects.create_user("ann", password="x")
    Member.objects.filter(organisation=energy, number=2).update(user=ann)
    client.force_login(ann)
    page = client.get(f"/o/{energy.slug}/shares/").content.decode()
    assert "Statement for the year ending in 2026" in page  # the year ends on 31 March
    pdf = client.get(f"/o/{energy.slug}/shares/statements/2026.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    mine = Movement.objects.get(account__member__number=2, kind="allotment")
    assert client.get(f"/o/{energy.slug}/shares/certificates/{mine.pk}.pdf").content[:4] == b"%PDF"
    theirs = Movement.objects.get(account__member__number=1, kind="allotment")
    assert client.get(f"/o/{energy.slug}/shares/certificates/{theirs.pk}.pdf").status_code == 404
    s = documents.statement(energy, Member.objects.get(organisation=energy, number=2), *YEAR)
    assert (s.opening_pence, s.closing_pence, s.interest_pence) == (1_000_000, 1_050_000, 50_000)


def test_no_certificates_where_the_rules_issue_none(db):
    trust = found("supporters-trust", "trust")
    (fan,) = make_members(trust, 1)
    one = services.record_movement(trust, fan, "allotment", 100, on=date(2025, 1, 1))
    with pytest.raises(services.StakeError, match="issue no share certificates"):
        documents.certificate_pdf(trust, one)
