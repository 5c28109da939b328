"""The import checker's quick paths give what the plain ones give: name keys of plain ASCII names,
dates and postcodes read once and remembered, joined names, the one look at the longest value
before the length checks, the rulebook's verdicts remembered per key, and columns in any order."""

import csv
import io
import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualise.constitution import load_file, model_path
from mutualise.register import keys
from mutualise.register.importing import (
    _POSTCODE,
    MAX_LENGTH,
    RegisterKeys,
    check_rows,
    parse_date,
    resolve_mapping,
)
from mutualise.register.tabular import read_table

ON = date(2026, 6, 1)
CONSTITUTION = load_file(model_path("nhs-foundation-trust"))


def slow_name_words(name: str) -> list[str]:
    """keys.name_words as it was before its quick path: every name through the regex."""
    if name.isascii():
        folded = name.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded = folded.casefold().replace("ß", "ss")
    words = [w for w in re.split(r"[^a-z0-9]+", folded.replace("'", "")) if w]
    while words and words[0] in {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame",
                                 "rev", "revd"} and len(words) > 1:  # fmt: skip
        words = words[1:]
    return words


NAME_PARTS = st.sampled_from(
    [
        "Ada",
        "LOVELACE",
        "o'brien",
        "Mr",
        "dr",
        "Ms.",
        "Zoë",
        "ANNE-MARIE",
        "Straße",
        "2",
        "x",
        "",
        " ",
        "  ",
        "\t",
        "'",
        "-",
        "_",
        "Mx",
        "İ",
        "Ⅳ",
        "ｆｕｌｌ",
    ]  # fmt: skip
)
NAMES = st.one_of(
    st.lists(NAME_PARTS, max_size=5).map(" ".join),
    st.lists(NAME_PARTS, max_size=5).map("".join),
    st.text(alphabet="abcXYZ09 '-.\t\u00e9\u00df\u0130", max_size=14),
)


@given(NAMES)
def test_name_keys_quick_path_matches_the_regex(name):
    words = slow_name_words(name)
    assert keys.name_words(name) == words
    assert keys.name_key(name) == "".join(words)
    assert keys.surname_key(name) == (words[-1] if words else "")
    assert keys.name_and_surname_keys(name) == ("".join(words), words[-1] if words else "")


def slow_postcode(text: str) -> str:
    """The checker's normalisation of a postcode."""
    compact = text.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact


POSTCODES = st.one_of(
    st.text(alphabet="NESW1A0 9Zgirx\n", min_size=1, max_size=9),
    st.from_regex(r"\A[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}\Z"),
    st.sampled_from(["GIR 0AA", "NE1 1AA", "SW1A 1AA", "NE1  1AA", "ne1 1aa", "NE11AA"]),
)


@given(POSTCODES)
def test_a_postcode_in_normal_form_is_its_own_normal_form(text):
    text = text.strip()  # the checker sees stripped cells
    if _POSTCODE.match(text):
        assert slow_postcode(text) == text
        assert keys.postcode_key(text) == text


def check(header, rows, mapping=None):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    table = read_table(out.getvalue().encode(), "members.csv")
    ready = []
    result = check_rows(
        table,
        resolve_mapping(table.header, mapping),
        CONSTITUTION,
        RegisterKeys(),
        ON,
        on_ready=ready.append,
    )
    return result, ready


def problems(result):
    return [(p.row, p.column, p.reason, p.kind) for p in result.problems]


DATES = ["31/01/1975", "1975-01-31", "31.1.1975", "1 2 1975", "31-01-75", "29/02/2001",
         "29/02/2000", "30/02/1999", "abc", "12/13/2000", "2000/01/02", "2030-01-01",
         "1899-12-31", "01/01/1900", "31/05/2026", "01/06/2026", "02/06/2026"]  # fmt: skip


@pytest.mark.parametrize("text", DATES)
def test_a_date_read_again_is_read_the_same(text):
    rows = [[f"R{n}", f"Person {n}", text, "NE1 1AA"] for n in range(3)]
    result, ready = check(["Ref", "Name", "Date of birth", "Postcode"], rows)
    try:
        day = parse_date(text)
    except ValueError as exc:
        assert problems(result) == [
            (line, "Date of birth", str(exc), result.problems[0].kind) for line in (2, 3, 4)
        ]
        return
    reported = {p.row: p for p in result.problems}
    assert len({(p.reason, p.kind) for p in reported.values()}) <= 1  # every row alike
    assert [row[2] for row in ready] == ([day] * 3 if not reported else [])


@pytest.mark.parametrize(
    ("given_name", "family_name"),
    [("Ada", "Lovelace"), ("", "Lovelace"), ("Ada", ""), ("", ""), (" Ada ", " Lovelace ")],
)
def test_a_joined_name_is_the_non_empty_parts(given_name, family_name):
    rows = [["R1", given_name, family_name, "17/05/1990", "NE1 1AA"]]
    result, ready = check(["Ref", "First name", "Last name", "Date of birth", "Postcode"], rows)
    name = " ".join(filter(None, (given_name.strip(), family_name.strip())))
    if name:
        assert [row[1] for row in ready] == [name]
    else:
        assert problems(result) == [(2, "Last name", "the name is missing", "missing_name")]


@pytest.mark.parametrize("over", [None, "external_ref", "email", "sex", "display_name"])
@pytest.mark.parametrize("extra", [0, 1])
def test_length_limits_are_checked_field_by_field(over, extra):
    lengths = {"external_ref": 20, "display_name": 30, "email": 25, "sex": 6}
    if over:
        lengths[over] = MAX_LENGTH[over] + extra
    ref = "R" * lengths["external_ref"]
    name = "Ada " + "L" * (lengths["display_name"] - 4)
    email = "a" * (lengths["email"] - 12) + "@example.org"
    sex = "f" * lengths["sex"]
    result, ready = check(
        ["Ref", "Name", "Date of birth", "Postcode", "Email", "Sex"],
        [[ref, name, "17/05/1990", "NE1 1AA", email, sex]],
    )
    if over and extra:
        limit = MAX_LENGTH[over]
        assert [(p.kind, p.reason) for p in result.problems] == [
            ("too_long", f"is {limit + 1} characters long; at most {limit} fit")
        ]
    else:
        assert not result.problems and len(ready) == 1


def test_verdicts_remembered_per_key_still_depend_on_the_constituency_asked_for():
    header = ["Ref", "Name", "Date of birth", "Postcode", "Constituency", "Class", "Staff"]
    rows = [
        ["R1", "Ada One", "17/05/1990", "NE1 1AA", "", "", "no"],
        ["R2", "Ada Two", "17/05/1990", "NE1 1AB", "public-gateshead", "", "no"],
        ["R3", "Ada Three", "18/05/1990", "NE1 1AG", "", "", "no"],
        ["R4", "Ada Four", "17/05/1990", "NE1 1AD", "Staff constituency", "", "no"],
        ["R5", "Ada Five", "17/05/1990", "NE1 1AE", "", "staff-medical", "yes"],
        ["R6", "Ada Six", "17/05/1990", "NE1 1AF", "", "staff-medical", "no"],
        ["R7", "Ada Seven", "17/05/1990", "NE8 1AA", "", "", "no"],
        ["R8", "Ada Eight", "17/05/2015", "NE1 1AA", "", "", "no"],
        ["R9", "Ada Nine", "17/05/2015", "NE1 1AB", "", "", "no"],
    ]
    result, ready = check(header, rows)
    assert {row[0]: row[21] for row in ready} == {
        "R1": "public-newcastle",
        "R3": "public-newcastle",
        "R7": "public-gateshead",
    }
    assert [(p.row, p.kind) for p in result.problems] == [
        (3, "wrong_constituency"),  # same key as row 2, another constituency asked for
        (5, "class_required"),
        (6, "not_eligible"),  # a staff class, but a contract that does not qualify (Staff)
        (6, "not_eligible"),  # and no confirmation (the file has no Confirmations column)
        (7, "wrong_constituency"),  # the same, and not staff: under Staff
        (7, "wrong_constituency"),  # and no confirmation
        (9, "not_eligible"),
        (10, "not_eligible"),
    ]
    assert result.problems[-1].reason == result.problems[-2].reason


def test_columns_in_any_order_and_unmapped_ones_give_the_same_rows():
    header = ["Ref", "Name", "Date of birth", "Postcode", "Email", "Joined", "Phone", "Notes"]
    rows = [
        ["R1", "Dr Ada Lovelace", "17/05/1990", "ne1 1aa", "Ada@Example.org", "2020-01-01", "",
         "x"],
        ["R2", "Bob", "1990-05-17", "NE1 1AB", "bad", "", "0191 123 4567", ""],
        ["R3", "Cy", "17/05/1990", "NE1 1AC", "", "2030-01-01", "12", ""],
        ["", "", "", "", "", "", "", ""],
        ["R4", "Di", "", "NE1 1AD"],
    ]  # fmt: skip
    first, first_ready = check(header, rows)
    order = [7, 3, 0, 6, 2, 5, 1, 4]
    second, second_ready = check(
        [header[i] for i in order],
        [[row[i] if i < len(row) else "" for i in order] for row in rows],
    )
    assert first_ready == second_ready
    assert sorted((p.row, p.reason, p.kind) for p in first.problems) == sorted(
        (p.row, p.reason, p.kind) for p in second.problems
    )
    unmapped, _ = check(header, rows, mapping={"phone": ""})
    assert [p.kind for p in unmapped.problems] == [
        p.kind for p in first.problems if p.kind != "bad_phone"
    ]


def test_a_postcode_read_again_is_read_the_same():
    typed = ["ne1 1aa", "NE1 1AA", "NE11AA", "NE1 1AI", "XX", "ne1 1aa", "NE1 1AI", "", "NE11AA"]
    rows = [[f"R{n}", f"Person {n}", "17/05/1990", text] for n, text in enumerate(typed)]
    result, ready = check(["Ref", "Name", "Date of birth", "Postcode"], rows)
    assert [(p.row, p.kind, p.reason) for p in result.problems[:3]] == [
        (5, "bad_postcode", "'NE1 1AI' is not a valid UK postcode"),
        (6, "bad_postcode", "'XX' is not a valid UK postcode"),
        (8, "bad_postcode", "'NE1 1AI' is not a valid UK postcode"),
    ]
    assert [(p.row, p.kind) for p in result.problems[3:]] == [(9, "not_eligible")]
    assert "no postcode or local authority was given" in result.problems[3].reason
    assert [(row[0], row[4], row[21]) for row in ready] == [
        (ref, "NE1 1AA", "public-newcastle") for ref in ("R0", "R1", "R2", "R5", "R8")
    ]
