"""The s.30 register with holdings, the duplicate without, by the command line; formula cells
neutralised."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from stake_helpers import found, make_members

from mutualise.cli import main
from mutualise.register.models import Member
from mutualise.stake import services


@pytest.fixture
def energy(db):
    org = found()
    a, b, c = make_members(org, 3)
    services.record_movement(org, a, "allotment", 25_000, on=date(2024, 2, 1))
    services.record_movement(org, a, "interest", 1_234, on=date(2024, 12, 31))
    services.record_movement(org, b, "allotment", 100_000, on=date(2024, 2, 1))
    Member.objects.filter(pk=c.pk).update(
        display_name="=HYPERLINK(evil)", ceased_on=date(2025, 1, 31)
    )
    return org


def _rows(capsys, *args):
    assert main(["shares", "register", "--org", "sunny-energy", *args]) == 0
    return list(csv.reader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))


def test_the_register_has_every_s30_field_and_each_holding(energy, capsys):
    heading, first, second, third = _rows(capsys, "--format", "csv")
    assert heading == [
        "Membership number", "Name", "Address", "Postcode", "Email", "Shares held",
        "Amount paid (GBP)", "Other property in the society", "Date entered", "Date ceased",
    ]  # fmt: skip
    assert first[5:7] == ["262", "262.34"]  # 262 whole GBP 1 shares, interest on account
    assert second[5:7] == ["1000", "1000.00"]
    assert third[1] == "'=HYPERLINK(evil)"  # a formula is text, not run
    assert third[5:] == ["0", "0.00", "", "2024-01-01", "2025-01-31"]


def test_the_duplicate_register_omits_the_holdings(energy, capsys):
    heading, first, *_ = _rows(capsys, "--format", "csv", "--duplicate")
    assert "Shares held" not in heading and "Amount paid (GBP)" not in heading
    assert len(first) == len(heading) == 7
    assert "262.34" not in first


def test_the_register_as_xlsx(energy, tmp_path):
    out = tmp_path / "register.xlsx"
    assert (
        main(["shares", "register", "--org", "sunny-energy", "--format", "xlsx", "-o", str(out)])
        == 0
    )
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][5:7] == ("262", "262.34")
    assert rows[3][1] == "'=HYPERLINK(evil)"


def test_an_organisation_without_shares_says_so(db, capsys):
    found("nhs-foundation-trust", "nhs-ft")
    assert main(["shares", "register", "--org", "nhs-ft"]) == 2
    assert "issues no shares" in capsys.readouterr().err
    assert main(["shares", "register", "--org", "nowhere"]) == 2
    assert "no organisation 'nowhere'" in capsys.readouterr().err


def test_a_superuser_with_no_role_sees_no_share_register_and_records_nothing(
    energy, client, django_user_model
):
    """Roles are per organisation (docs/security.md): the share register's page and the stake
    services ask django-rules, never `user.has_perm`, whose superuser shortcut would show an
    install's superuser with no role here every member's holding, and let them post to it."""
    root = django_user_model.objects.create_superuser("root")
    client.force_login(root)
    assert client.get(f"/o/{energy.slug}/shares/register/").status_code == 403
    first = Member.objects.filter(organisation=energy).order_by("number").first()
    assert client.get(f"/o/{energy.slug}/shares/register/{first.number}/").status_code == 403
    with pytest.raises(services.StakeError, match="may not record share movements"):
        services.record_movement(energy, first, "allotment", 100, on=date(2024, 3, 1), actor=root)
