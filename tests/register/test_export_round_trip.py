"""Issue 19 (membership secretary): a register exported as CSV or XLSX imports back cleanly:
into the same organisation every row is already on the register (not a problem), into a new
one every row is ready; the XLSX has typed cells, a frozen heading and filters. Problems are
said in words, with rows and constituencies by name, never internal references."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from mutualise.register import exports, services
from mutualise.register.importing import check_file

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)


@pytest.fixture
def members(org):
    people = [
        dict(display_name="Ada Lovelace", date_of_birth=date(1990, 5, 17), postcode="NE1 6EE",
             email="ada@example.org", address="1 Grey Street"),
        dict(display_name="Brian Gates", date_of_birth=date(1980, 2, 1), postcode="NE8 1AA",
             address="2 High Street", large_print=True),
        dict(display_name="Sam Nurse", date_of_birth=date(1985, 3, 3), postcode="NE1 1AA",
             email="sam@example.org", is_staff=True, contract_fixed_term=False,
             attestations=["nursing-or-midwifery-role"], class_id="staff-nursing"),
    ]  # fmt: skip
    found = []
    for person in people:
        found.append(services.join(org, on=ON, actor="test", **person))
    sam = found[2]
    assert sam.constituency_id == "staff"
    return found


def _csv(org) -> bytes:
    return "".join(exports.extract_csv(org, ON)).encode("utf-8")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_register_imports_back_as_already_present(org, members, fmt):
    data = _csv(org) if fmt == "csv" else exports.extract_xlsx(org, ON)
    result = check_file(org, data, f"register.{fmt}", on=ON)
    assert result.problems == [], result.report_lines()
    assert (result.rows_total, result.rows_already_present, result.rows_ready) == (3, 3, 0)
    assert result.ignored_columns == ["Membership number"]  # the register's own number


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_register_imports_cleanly_into_a_new_organisation(org, members, fmt):
    data = _csv(org) if fmt == "csv" else exports.extract_xlsx(org, ON)
    fresh = services.create_organisation(
        name="Copy FT", constitution_text=org.current_version.source_text,
        source_name="ft.yaml", slug="copy", actor="test",
    )  # fmt: skip
    result = check_file(fresh, data, f"register.{fmt}", on=ON)
    assert result.problems == [], result.report_lines()
    assert result.rows_ready == 3
    assert result.by_constituency["staff"] == 1  # the constituency read back from its name


def test_the_extract_names_constituencies_and_carries_the_date_of_birth(org, members):
    text = _csv(org).decode("utf-8-sig")
    heading = text.splitlines()[0]
    assert "Date of birth" in heading and "Confirmations" in heading
    assert "Public constituency - Newcastle upon Tyne" in text and "public-newcastle" not in text
    assert "1990-05-17" in text


def test_the_xlsx_extract_is_typed_frozen_and_filtered(org, members):
    sheet = load_workbook(io.BytesIO(exports.extract_xlsx(org, ON)))["Register"]
    heading = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet["A2"].value == members[0].number and sheet["A2"].data_type == "n"
    born = sheet.cell(row=2, column=heading.index("Date of birth") + 1)
    assert born.is_date and born.value.date() == date(1990, 5, 17)
    assert sheet[1][0].font.bold


def test_problems_are_said_in_words_and_rows_not_references(org):
    text = (
        "Name,Date of birth,Postcode,Email\n"
        "Ada Lovelace,17/05/1990,NE1 6EE,ada@example.org\n"
        "Ada Lovelace,17/05/1990,NE1 6EE,ada@example.org\n"
        "Young One,01/06/2020,NE1 6EE,\n"
    )
    result = check_file(org, text.encode(), "people.csv", on=ON)
    by_row = {p.row: p for p in result.problems}
    assert by_row[3].reason.startswith("the same person as row 2")
    assert "auto:" not in by_row[3].reason
    assert by_row[4].column == "Date of birth"
    assert [p.row for p in result.problems].count(4) == 1  # once, not once per constituency
    summary = result.problem_summary()
    assert "the same person twice in the file" in summary and "not eligible" in summary
