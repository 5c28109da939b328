"""Issue 11.5: every register form and every file reader meets arbitrary input with a clear
error (a form error, TableError or ValueError), never another exception."""

import contextlib
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from mutualise.register import importing
from mutualise.register.forms import CeaseForm, DetailsForm, JoinForm, SearchForm
from mutualise.register.representation import parse_population
from mutualise.register.search import search
from mutualise.register.tabular import TableError, read_table

FIXTURES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Text that finds the edges: other scripts' digits, superscripts, huge numbers, controls.
odd_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["²", "١٩٩٠", "9" * 5000, "-1", "0", "1e3", " 12 ", "\x00", "=1+1", "Ⅻ"]),
)
JOIN_FIELDS = [
    "display_name", "date_of_birth_day", "date_of_birth_month", "date_of_birth_year", "address",
    "postcode", "email", "phone", "contact_channel", "language", "constituency_id", "is_staff",
    "contract", "contract_months", "class_id", "employment_end_day", "employment_end_month",
    "employment_end_year", "last_service_use",
]  # fmt: skip


@FIXTURES
@given(st.dictionaries(st.sampled_from(JOIN_FIELDS), odd_text))
def test_join_form_never_raises(org, data):
    form = JoinForm(data, constitution=org.constitution)
    if form.is_valid():
        form.details()


@FIXTURES
@given(st.dictionaries(st.sampled_from(JOIN_FIELDS), odd_text))
def test_details_cease_and_search_forms_never_raise(org, data):
    DetailsForm(data).is_valid()
    CeaseForm({"reason": data.get("display_name", ""), "note": data.get("address", "")}).is_valid()
    form = SearchForm({"q": data.get("display_name", "")})
    if form.is_valid():  # a NUL character is refused by the form (PostgreSQL text cannot hold it)
        list(search(org, form.cleaned_data["q"]))


@given(odd_text)
def test_parse_date_raises_only_value_error(text):
    with contextlib.suppress(ValueError):
        importing.parse_date(text)


def _table_or_error(data: bytes, name: str):
    try:
        table = read_table(data, name)
        return [cells for _, cells in table.rows]
    except TableError:
        return None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_csv_reader_on_any_bytes(data):
    _table_or_error(data, "any.csv")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(odd_text, max_size=6), max_size=8))
def test_population_reader_on_any_table(rows):
    text = "\n".join(",".join(c.replace(",", "").replace("\n", "") for c in r) for r in rows)
    data = ("dimension,category,people\n" + text).encode("utf-8", errors="ignore")
    with contextlib.suppress(TableError):
        parse_population(data, "pop.csv")


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VALID_XLSX = _xlsx(
    [["Name", "Date of birth", "Postcode"], ["Ada Lovelace", "17/05/1990", "NE1 6EE"]]
)


def _mutate(part: bytes, at: int, value: bytes) -> bytes:
    at = at % max(len(part), 1)
    return part[:at] + value + part[at + len(value) :]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]),
       st.integers(min_value=0), st.binary(min_size=1, max_size=12))  # fmt: skip
def test_xlsx_reader_on_damaged_workbooks(part, at, value):
    source, out = zipfile.ZipFile(io.BytesIO(VALID_XLSX)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            target.writestr(
                item.filename, _mutate(body, at, value) if item.filename == part else body
            )
    _table_or_error(out.getvalue(), "damaged.xlsx")


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0), st.binary(min_size=1, max_size=16))
def test_xlsx_reader_on_damaged_archives(at, value):
    _table_or_error(_mutate(VALID_XLSX, at, value), "damaged.xlsx")


@FIXTURES
@given(st.lists(st.lists(odd_text, min_size=1, max_size=5), min_size=1, max_size=5))
def test_import_checker_on_any_cells(org, rows):
    header = ["Name", "Date of birth", "Postcode", "Staff", "Contract length (months)"]
    printable = [["".join(ch for ch in c if ch.isprintable()) for c in row] for row in rows]
    book = _xlsx([header, *printable])
    with contextlib.suppress(TableError):
        importing.check_file(org, book, "any.xlsx")


@pytest.fixture
def org(org):  # the register tests' organisation (tests/register/conftest.py)
    return org
