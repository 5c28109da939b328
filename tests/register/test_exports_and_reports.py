"""Register extracts (formula injection neutralised), counts, the representativeness report,
and the `mutualise members` commands."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from mutualise.cli import main
from mutualise.register import exports, representation, services
from mutualise.register.tabular import TableError

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)


@pytest.fixture
def members(org):
    people = [
        ('=HYPERLINK("http://evil")', "NE1 1AA", date(1990, 1, 1), "female", "White British"),
        ("+Plus Person", "NE2 1AA", date(2000, 1, 1), "male", ""),
        ("@At Person", "NE8 1AA", date(1950, 1, 1), "", ""),
        ("Plain Person", "NE8 2AA", date(1985, 1, 1), "female", "Asian British"),
    ]
    made = []
    for i, (name, postcode, born, sex, ethnicity) in enumerate(people):
        made.append(
            services.join(
                org,
                on=ON,
                display_name=name,
                postcode=postcode,
                date_of_birth=born,
                sex=sex,
                ethnicity=ethnicity,
                email=f"p{i}@example.org",
                phone="-1 555" if i == 0 else "",
            )
        )
    return made


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+44 191", "'+44 191"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Ada", "Ada"),
        (True, "yes"),
        (None, ""),
    ],
)
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


def test_csv_extract_neutralises_formulas(org, members):
    text = "".join(exports.extract_csv(org, ON)).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Membership number", "Name"]
    names = [r[1] for r in rows[1:]]
    assert names == ['\'=HYPERLINK("http://evil")', "'+Plus Person", "'@At Person", "Plain Person"]
    assert rows[1][5] == "'-1 555"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_xlsx_extract_has_no_formulas(org, members):
    book = load_workbook(io.BytesIO(exports.extract_xlsx(org, ON)))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert book.active["B2"].value == '\'=HYPERLINK("http://evil")'


def test_ceased_members_are_not_in_the_extract(org, members):
    services.cease(members[3], "resigned", on=ON)
    text = "".join(exports.extract_csv(org, ON))
    assert "Plain Person" not in text


def test_counts_by_constituency_and_class(org, members):
    table = {(r["constituency_id"], r["class_id"]): r["members"] for r in exports.counts(org, ON)}
    assert table[("public-newcastle", "")] == 2
    assert table[("public-gateshead", "")] == 2
    assert table[("staff", "staff-nursing")] == 0
    assert sum(table.values()) == 4


def test_representativeness_against_a_population_table(org, members):
    data = (
        b"dimension,category,people\n"
        b"age_band,16-24,1000\nage_band,25-34,1000\nage_band,35-44,1000\nage_band,75+,1000\n"
        b"sex,female,5100\nsex,male,4900\n"
        b"constituency,public-newcastle,300000\nconstituency,public-gateshead,200000\n"
    )
    table = services.upload_population(org, data, "census.csv", actor="secretary")
    sections = {s.dimension: s for s in representation.report(org, table.rows, ON)}
    ages = {line.category: line for line in sections["age_band"].lines}
    assert ages["25-34"].members == 1 and ages["25-34"].member_share == 0.25
    assert (ages["16-24"].members, ages["35-44"].members, ages["75+"].members) == (0, 2, 1)
    assert ages["16-24"].gap == pytest.approx(-25.0)
    constituencies = {line.category: line for line in sections["constituency"].lines}
    newcastle = constituencies["Public constituency - Newcastle upon Tyne"]
    assert newcastle.population_share == pytest.approx(0.6)
    assert newcastle.gap == pytest.approx(-10.0)
    sex = {line.category: line for line in sections["sex"].lines}
    assert sex["Not known"].members == 1
    svg = sections["sex"].svg()
    assert svg.startswith("<svg") and "<title" in svg and "Female" in svg


def test_population_file_errors_name_line_and_column(org):
    with pytest.raises(TableError, match="line 2, column people: 'lots'"):
        representation.parse_population(b"dimension,category,people\nsex,female,lots\n", "p.csv")
    with pytest.raises(TableError, match="line 2, column dimension: 'shoe size'"):
        representation.parse_population(b"dimension,category,people\nshoe size,9,1\n", "p.csv")


def test_cli_import_preview_then_accept(org, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_text("Name,DOB,Postcode\nJo Bloggs,1990-01-01,NE1 1AA\nBad Row,1990-01-01,XX\n")
    assert main(["members", "import", str(path), "--org", org.slug]) == 0
    out = capsys.readouterr().out
    assert "members.csv: row 3, column 'Postcode': 'XX' is not a valid UK postcode" in out
    assert "nothing written" in out
    assert not services.active_members(org).exists()
    rejected = tmp_path / "rejected.csv"
    assert (
        main(
            [
                "members",
                "import",
                str(path),
                "--org",
                org.slug,
                "--accept",
                "--rejected",
                str(rejected),
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert "1 members added" in captured.out
    # The progress bar: rich's ("100% 2/2 rows") when installed, else plain ("100.0% 2 of 2")
    assert re.search(r"100(\.0)?% 2(/| of )2 rows", captured.err), captured.err
    assert "Bad Row" in rejected.read_text(encoding="utf-8-sig")
    assert main(["members", "counts", "--org", org.slug]) == 0
    assert "1  in all" in capsys.readouterr().out


def test_cli_export_and_errors(org, members, tmp_path, capsys):
    out = tmp_path / "register.xlsx"
    assert main(["members", "export", "--org", org.slug, "-o", str(out)]) == 0
    assert load_workbook(out).active.max_row == 1 + 4
    assert main(["members", "import", "nope.csv", "--org", org.slug]) == 2
    assert "nope.csv: no such file" in capsys.readouterr().err
    assert main(["members", "counts", "--org", "nobody"]) == 2
    assert "no organisation 'nobody'" in capsys.readouterr().err


def test_cli_recheck_lists_and_changes_nothing(org, members, capsys):
    services.update_details(members[0], postcode="SW1A 1AA")
    assert main(["members", "recheck", "--org", org.slug]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1\tmoved_out_of_area\t") and "1 members no longer qualify" in out
    assert services.active_members(org).count() == 4
    assert main(["members", "export", "--org", org.slug]) == 0
    assert capsys.readouterr().out.startswith("Membership number,Name")


def test_chart_labels_are_words_in_full(org, members):
    """Issue 19: labels were ids and age bands cut to 24 characters in a 170-unit column."""
    assert representation.category_words("age_band", "25-34") == "25 to 34"
    assert representation.category_words("age_band", "0-15") == "Under 16"
    assert representation.category_words("age_band", "75+") == "75 and over"
    assert representation.category_words("sex", "female") == "Female"
    sections = {s.dimension: s for s in representation.report(org, None, ON)}
    svg = sections["constituency"].svg()
    # A long constituency name is wrapped onto lines, never cut off.
    assert "Newcastle upon" in svg and "Tyne" in svg
    assert "25 to 34" in sections["age_band"].svg()
