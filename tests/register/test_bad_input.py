"""Issue 11.5: bad input gets a clear error saying what and where, never a 500 or a traceback;
XLSX files are read with bounded memory and time; every CSV the product writes is safe to open
in a spreadsheet."""

import io
import os
import subprocess
import sys
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from mutualise.register import importing, services
from mutualise.register.models import PendingImport
from mutualise.register.representation import parse_population
from mutualise.register.tabular import MAX_CELLS, TableError, read_table

pytestmark = pytest.mark.django_db
SRC = os.path.join(os.path.dirname(__file__), "..", "..", "src")
HUGE = "9" * 5000
JOIN = {
    "display_name": "Ada Lovelace",
    "date_of_birth_day": "17",
    "date_of_birth_month": "5",
    "date_of_birth_year": "1990",
    "address": "1 Grey Street",
    "postcode": "ne1 6ee",
    "email": "ada@example.org",
    "contact_channel": "email",
    "is_staff": "no",
}


@pytest.mark.parametrize("field", ["date_of_birth_day", "date_of_birth_year"])
@pytest.mark.parametrize("value", ["²", "١٩٩٠", HUGE])
def test_join_form_date_of_birth_in_odd_digits_is_a_clear_error(client, org, field, value):
    response = client.post(f"/o/{org.slug}/join/", {**JOIN, field: value})
    assert response.status_code == 400
    assert "must be a real date" in response.content.decode()


def test_member_search_with_odd_digits_finds_nothing_and_says_so(client, org, officer):
    client.force_login(officer)
    for text in ["²", HUGE, "9" * 30]:
        assert client.get(f"/o/{org.slug}/members/", {"q": text}).status_code == 200


def test_constitution_version_in_odd_digits_shows_the_current_one(client, org):
    assert client.get(f"/o/{org.slug}/constitution/", {"version": "²"}).status_code == 200


def _csv(*rows) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode()


@pytest.mark.parametrize("months", ["²", HUGE])
def test_import_contract_months_in_odd_digits_is_a_problem_on_its_row(org, months):
    data = _csv(
        ["Name", "Date of birth", "Postcode", "Staff", "Contract length (months)"],
        ["Ada Lovelace", "17/05/1990", "NE1 6EE", "yes", months],
    )
    result = importing.check_file(org, data, "staff.csv")
    assert any(p.kind == "bad_number" and p.row == 2 for p in result.problems)


@pytest.mark.parametrize("people", ["²", HUGE])
def test_population_upload_in_odd_digits_names_line_and_column(people):
    with pytest.raises(TableError, match=r"pop.csv, line 2, column people"):
        parse_population(_csv(["dimension", "category", "people"], ["sex", "f", people]), "pop.csv")


def test_population_page_with_odd_digits_is_a_form_error(client, org, officer):
    client.force_login(officer)
    upload = SimpleUploadedFile(
        "pop.csv", _csv(["dimension", "category", "people"], ["sex", "f", "²"])
    )
    response = client.post(f"/o/{org.slug}/members/report/", {"file": upload})
    assert response.status_code in (200, 400) and "not a whole number" in response.content.decode()


def test_org_create_from_a_non_utf8_file_is_an_error_not_a_traceback(tmp_path):
    rulebook = tmp_path / "rules.yaml"
    rulebook.write_bytes("organisation:\n  name: Caf\xe9 co-op\n".encode("latin-1") + b"\xff\xfe\n")
    env = {**os.environ, "PYTHONPATH": os.path.abspath(SRC)}
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from mutualise.cli import main; sys.exit(main())",
         "org", "create", "--file", str(rulebook)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert (
        "Traceback" not in result.stderr and "line 2" in result.stderr and "UTF-8" in result.stderr
    )


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(data: bytes, name: str, change) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            target.writestr(item.filename, change(body) if item.filename == name else body)
    return out.getvalue()


def _out_of_range_shared_string() -> bytes:
    data = _xlsx([["Name", "Postcode"], ["Ada Lovelace", "NE1 6EE"]])
    # openpyxl writes strings inline; point a cell at shared string 999 of none.
    return _rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            b'<c r="A2" t="inlineStr"><is><t>Ada Lovelace</t></is></c>',
            b'<c r="A2" t="s"><v>999</v></c>',
        ),
    )


def test_xlsx_naming_a_missing_shared_string_is_a_table_error_with_the_line():
    data = _out_of_range_shared_string()
    table = read_table(data, "members.xlsx")
    with pytest.raises(TableError, match=r"members.xlsx, line 2: a damaged cell"):
        list(table.rows)


def test_erasure_still_works_while_a_damaged_xlsx_waits(org, officer, public_details):
    member = services.join(org, actor="test", **public_details)
    services.upload_import(org, _out_of_range_shared_string(), "members.xlsx", actor=officer)
    services.cease(member, reason="resigned", actor=officer)
    services.erase(member, actor=officer)
    member.refresh_from_db()
    assert member.erased_at and not member.display_name
    # A damaged XLSX cannot be read to rule the person out: it goes (it could not be imported).
    assert not PendingImport.objects.filter(organisation=org).exists()


def _shared_string_flood(n: int) -> bytes:
    data = _xlsx([["Name"], ["x"]])
    strings = b"".join(b"<si><t>a</t></si>" for _ in range(n))
    flood = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">' + strings + b"</sst>"
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            target.writestr(item.filename, source.read(item))
        target.writestr("xl/sharedStrings.xml", flood)
    return out.getvalue()


def test_a_small_xlsx_with_millions_of_shared_strings_is_refused_before_parsing():
    data = _shared_string_flood(5_000_000)
    assert len(data) < 400_000  # the attack: a few hundred kilobytes
    with pytest.raises(TableError, match="zip bomb|shared strings"):
        read_table(data, "flood.xlsx")


def test_shared_strings_beyond_the_cell_limit_are_refused(monkeypatch):
    from mutualise.register import tabular

    monkeypatch.setattr(tabular, "MAX_CELLS", 1000)
    with pytest.raises(TableError, match="more than 1,000 shared strings"):
        read_table(_shared_string_flood(1500), "many.xlsx")
    table = read_table(_xlsx([["Name", "Postcode"]] + [["a", "b"]] * 600), "rows.xlsx")
    with pytest.raises(TableError, match="more than 1,000 cells"):
        list(table.rows)
    assert MAX_CELLS >= 10_000_000  # the real limit fits a large trust's register


def test_an_upload_over_the_size_limit_is_a_form_error(client, org, officer, settings):
    settings.MUTUALISE_UPLOAD_MAX_BYTES = 1000
    client.force_login(officer)
    upload = SimpleUploadedFile("big.csv", b"Name\n" + b"Ada Lovelace\n" * 200)
    response = client.post(f"/o/{org.slug}/members/import/", {"file": upload})
    assert (
        response.status_code in (200, 400)
        and "split it into smaller files" in response.content.decode()
    )


def test_rejected_rows_csv_neutralises_formulas(org):
    data = _csv(
        ["Name", "Date of birth", "Postcode"],
        ['=HYPERLINK("http://evil")', "not a date", "@SUM(1)"],
    )
    result = importing.check_file(org, data, "bad.csv")
    import csv

    row = list(csv.reader(io.StringIO(result.rejected_csv())))[1]
    assert row[0].startswith("'=HYPERLINK") and row[2] == "'@SUM(1)"


def test_published_ballots_csv_neutralises_candidate_names():
    from mutualise.demo import nhs_trust as demo
    from mutualise.elections import tally
    from mutualise.elections.models import Candidate, Election

    info = demo.load()
    declared = Election.objects.filter(organisation=info.organisation).order_by("pk").first()
    Candidate.objects.filter(election=declared).update(ballot_name='=HYPERLINK("http://evil","x")')
    text = tally.ballots_csv(declared)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


@pytest.fixture
def user_model():
    return get_user_model()
