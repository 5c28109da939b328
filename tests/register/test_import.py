"""Bulk import: every kind of bad row is reported with its row and reason, nothing is written
until accepted, nothing is lost, and importing the same file again changes nothing."""

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from mutualise.audit.services import verify
from mutualise.register import services
from mutualise.register.importing import check_file, parse_date, parse_mapping
from mutualise.register.models import ImportBatch, Member, MembershipPeriod
from mutualise.register.tabular import TableError, read_table

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)
BAD_ROWS = Path(__file__).parent / "data" / "bad_rows.csv"
EXPECTED = {  # row in the file -> the one kind of problem it has
    7: "missing_name",
    8: "bad_postcode",
    9: "impossible_date",
    10: "unreadable_date",
    11: "ambiguous_date",
    12: "future_date",
    13: "implausible_date",
    14: "bad_email",
    15: "bad_phone",
    16: "bad_channel",
    17: "unknown_constituency",
    18: "unknown_class",
    19: "class_required",
    20: "bad_yes_no",
    21: "bad_number",
    22: "not_eligible",
    23: "wrong_constituency",
    24: "missing_date_of_birth",
    25: "duplicate_in_file",
    26: "duplicate_ref_in_file",
    27: "duplicate_in_register",
    28: "extra_cells",
    29: "too_long",
}


@pytest.fixture
def existing(org):
    return services.join(
        org,
        on=ON,
        display_name="Existing Person",
        date_of_birth=date(1960, 1, 1),
        postcode="NE3 1AA",
        email="existing@example.org",
    )


def test_every_bad_row_is_reported_with_row_column_and_reason(org, existing):
    result = check_file(org, BAD_ROWS.read_bytes(), "bad_rows.csv", on=ON)
    assert len(set(EXPECTED.values())) >= 15
    found = {p.row: p.kind for p in result.problems}
    assert found == EXPECTED
    assert len(result.problems) == len(EXPECTED)  # one problem each: no noise
    assert all(p.reason for p in result.problems)
    by_row = {p.row: p for p in result.problems}
    assert by_row[8].column == "Postcode" and "'NE1 XYZ' is not a valid UK postcode" in str(
        by_row[8]
    )
    assert "row 9, column 'Date of birth'" in str(by_row[9]) and "not a real date" in str(by_row[9])
    # Constituencies by name; each problem under the column it concerns, said once.
    assert "Public constituency - Gateshead" in by_row[23].reason
    assert by_row[23].column == "Postcode"
    assert by_row[22].column == "Date of birth" and by_row[22].reason.count("at least 16") == 1
    assert "same email as row 2" in by_row[25].reason
    summary = result.problem_summary()
    assert summary.startswith("1 row with") and "_" not in summary
    assert (result.rows_total, result.rows_ready, result.rows_rejected) == (27, 4, 23)
    assert Member.objects.count() == 1  # checking writes nothing
    assert result.by_constituency == {"public-newcastle": 2, "public-gateshead": 1, "staff": 1}


def test_accepting_writes_good_rows_and_reimport_is_idempotent(org, existing):
    data = BAD_ROWS.read_bytes()
    batch, result = services.accept_import(org, data, "bad_rows.csv", actor="secretary", on=ON)
    assert (batch.rows_created, batch.rows_rejected, batch.rows_already_present) == (4, 23, 0)
    imported = Member.objects.filter(import_batch=batch).order_by("number")
    assert [m.number for m in imported] == [2, 3, 4, 5]
    ada = imported.get(external_ref="R001")
    assert (ada.email, ada.admitted_on, ada.status, ada.contact_channel) == (
        "ada@example.org",
        date(2020, 1, 1),
        "admitted",
        "email",
    )
    sam = imported.get(external_ref="R003")
    assert (sam.constituency_id, sam.class_id, sam.attestations) == (
        "staff",
        "staff-nursing",
        ["nursing-or-midwifery-role"],
    )
    assert imported.get(display_name="Cara Dee").postcode == "NE2 1AB"
    assert MembershipPeriod.objects.filter(member__import_batch=batch).count() == 4
    assert services.active_members(org, on=ON).count() == 5
    # Nothing lost: every row is either a member or a rejected row.
    assert batch.rows_created + batch.rows_rejected == batch.rows_total

    again, _ = services.accept_import(org, data, "bad_rows.csv", actor="secretary", on=ON)
    assert (again.rows_created, again.rows_already_present, again.rows_rejected) == (0, 4, 23)
    assert Member.objects.count() == 5
    assert verify(org).ok


def test_rejected_rows_download_fixes_and_reimports(org, existing):
    data = BAD_ROWS.read_bytes()
    _, result = services.accept_import(org, data, "bad_rows.csv", on=ON)
    rows = list(csv.reader(io.StringIO(result.rejected_csv())))
    assert rows[0][-1] == "Problems" and len(rows) == 1 + 23
    fixed = [rows[0]]
    for row in rows[1:]:
        if row[0] == "R006":
            row[4] = "NE1 4XY"
            fixed.append(row)
    out = io.StringIO()
    csv.writer(out).writerows(fixed)
    batch, _ = services.accept_import(org, out.getvalue().encode(), "fixed.csv", on=ON)
    assert batch.rows_created == 1
    assert Member.objects.get(external_ref="R006").postcode == "NE1 4XY"


def test_encodings_bom_and_windows_1252(org):
    text = "Name,Date of birth,Postcode\nZoë Brontë,01/01/1990,NE1 1AA\n"
    for data, encoding in [
        (text.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"),
        (text.encode("cp1252"), "windows-1252"),
    ]:
        result = check_file(org, data, "people.csv", on=ON)
        assert result.encoding == encoding
        assert result.mapping["display_name"] == "Name"  # the BOM is not part of the heading
        assert result.preview[0]["display_name"] == "Zoë Brontë"


def test_semicolon_csv_and_separate_name_columns(org):
    data = b"Forename;Surname;DOB;Post code\nJo;Bloggs;1990-01-01;NE1 1AA\n"
    result = check_file(org, data, "hr.csv", on=ON)
    assert result.preview[0]["display_name"] == "Jo Bloggs"
    assert result.rows_ready == 1


def test_xlsx_with_date_cells(org):
    book = Workbook()
    sheet = book.active
    sheet.append(["Staff number", "Name", "Date of birth", "Postcode"])
    sheet.append([1001, "Xena Excel", date(1991, 3, 4), "NE5 2AA"])
    sheet.append([1002, "Yann Excel", "04/03/2019", "NE5 2AA"])
    sheet.append([1003, date(2000, 1, 1), date(1990, 1, 1), "NE5 2AB"])  # a date as a name
    buffer = io.BytesIO()
    book.save(buffer)
    batch, result = services.accept_import(org, buffer.getvalue(), "staff.xlsx", on=ON)
    assert batch.rows_created == 2
    assert [(p.row, p.kind) for p in result.problems] == [(3, "not_eligible")]
    assert Member.objects.get(external_ref="1003").display_name == "2000-01-01"
    member = Member.objects.get(external_ref="1001")
    assert member.date_of_birth == date(1991, 3, 4)


def test_xlsx_date_cell_with_a_time_of_day_counts_as_its_day(org):
    book = Workbook()
    sheet = book.active
    sheet.append(["Staff number", "Name", "Date of birth", "Postcode", "Joined"])
    sheet.append(
        [2001, "Tim Stamp", datetime(1991, 3, 4, 9, 30), "NE5 2AA", datetime(2020, 1, 2, 17)]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    batch, result = services.accept_import(org, buffer.getvalue(), "staff.xlsx", on=ON)
    assert batch.rows_created == 1, result.report_lines()
    member = Member.objects.get(external_ref="2001")
    assert (member.date_of_birth, member.admitted_on) == (date(1991, 3, 4), date(2020, 1, 2))


def test_first_and_last_name_together_must_fit(org):
    data = (
        "First name,Last name,DOB,Postcode\n"
        f"{'A' * 120},{'B' * 100},1990-01-01,NE1 1AA\n"
        "Short,Name,1990-01-01,NE1 1AB\n"
    ).encode()
    batch, result = services.accept_import(org, data, "names.csv", on=ON)
    assert batch.rows_created == 1
    [problem] = result.problems
    assert (problem.row, problem.column, problem.kind) == (2, "Last name", "too_long")
    assert "221 characters" in problem.reason


def test_a_rows_problems_come_in_the_same_order_every_time(org):
    data = (
        b"Name,Date of birth,Employment end,Joined,Large print,Staff,Postcode\n"
        b"Pat Muddle,31/02/1990,99/99/2020,1/1/20,maybe,perhaps,NE1 1AA\n"
    )
    result = check_file(org, data, "muddle.csv", on=ON)
    assert [(p.column, p.kind) for p in result.problems] == [
        ("Date of birth", "impossible_date"),
        ("Employment end", "impossible_date"),
        ("Joined", "ambiguous_date"),
        ("Large print", "bad_yes_no"),
        ("Staff", "bad_yes_no"),
    ]


def test_mapping_override_and_its_errors(org):
    data = b"Who,Born,Where\nJo Bloggs,1990-01-01,NE1 1AA\n"
    with pytest.raises(TableError, match="no name column"):
        check_file(org, data, "odd.csv", on=ON)
    mapping = parse_mapping("display_name=Who,date_of_birth=Born,postcode=Where")
    assert check_file(org, data, "odd.csv", mapping=mapping, on=ON).rows_ready == 1
    with pytest.raises(TableError, match="column 'Nope'"):
        check_file(org, data, "odd.csv", mapping={"display_name": "Nope"}, on=ON)


def test_unreadable_files_say_what_and_where(org):
    with pytest.raises(TableError, match="empty"):
        read_table(b"", "empty.csv")
    with pytest.raises(TableError, match="bad.xlsx: not a readable XLSX"):
        read_table(b"PK\x03\x04garbage", "bad.xlsx")
    with pytest.raises(TableError, match="line 2"):
        read_table(b"Name\n\x81\x8d\x8f\n", "weird.csv")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2001-02-28", date(2001, 2, 28)),
        ("28/02/2001", date(2001, 2, 28)),
        ("1.3.1999", date(1999, 3, 1)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_nothing_is_written_when_the_import_fails_midway(org, monkeypatch):
    from mutualise.register import bulkwrite, importing

    monkeypatch.setattr(bulkwrite, "BATCH", 1)
    monkeypatch.setattr(importing.checker, "PROGRESS_EVERY", 1)  # where the checker reads it
    calls = {"n": 0}

    def boom(written):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")

    data = b"Name,DOB,Postcode\nA One,1990-01-01,NE1 1AA\nB Two,1990-01-01,NE1 1AB\n"
    with pytest.raises(RuntimeError):
        services.accept_import(org, data, "x.csv", on=ON, progress=boom)
    assert not Member.objects.exists() and not ImportBatch.objects.exists()


def test_importing_applicants_for_the_board(board_org, org):
    data = b"Name,DOB,Postcode,Joined\nAnn Applicant,1990-01-01,NE1 1AA,2026-05-01\nBen Applicant,1991-01-01,NE1 1AB,\n"
    batch, _ = services.accept_import(board_org, data, "applicants.csv", on=ON, as_applicants=True)
    assert batch.as_applicants and batch.rows_created == 2
    ann, ben = Member.objects.filter(import_batch=batch).order_by("number")
    assert (ann.status, ann.applied_on, ann.admitted_on) == ("applied", date(2026, 5, 1), None)
    assert (ben.applied_on, ben.admitted_on) == (ON, None)
    assert not MembershipPeriod.objects.filter(member__import_batch=batch).exists()
    assert not services.active_members(board_org, on=ON).exists()
    services.admit(ann, on=ON, actor="board")  # the board's decision, as for any applicant
    ann.refresh_from_db()
    assert ann.status == "admitted" and services.active_members(board_org, on=ON).count() == 1
    # Where applicants are admitted automatically there is no one to decide: refused whole.
    with pytest.raises(services.MemberError, match="admits applicants automatically"):
        services.accept_import(org, data, "applicants.csv", on=ON, as_applicants=True)
    assert not Member.objects.filter(organisation=org).exists()
