"""Broken rulebooks: each problem is reported with its file, line and field, all in one pass."""

from fractions import Fraction

import pytest

from mutualise.constitution import Problem, RulebookError, load_file, load_text

from .rulebook_text import BASE, edit, line_of

FILE = "rules.yaml"


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(RulebookError) as caught:
        load_text(text, FILE)
    assert all(p.file == FILE for p in caught.value.problems)
    return caught.value.problems


def only_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


def test_the_base_rulebook_is_valid():
    assert load_text(BASE, FILE).organisation.name == "Test Society"


# (old text, new text, where: the snippet of BASE on whose line the problem lies, or
# (snippet, lines after it) where the edit adds lines; field; part of the message)
CASES = {
    "days as words": (
        "    notice_clear_days: 14\n",
        "    notice_clear_days: fourteen\n",
        "    notice_clear_days: 14\n",
        "meetings.agm.notice_clear_days",
        "expected a whole number of days, got 'fourteen'",
    ),
    "unknown legal form": (
        "legal_form: community-benefit-society",
        "legal_form: co-op",
        "legal_form: community-benefit-society",
        "organisation.legal_form",
        "expected one of 'nhs-foundation-trust'",
    ),
    "year end not a date": (
        "financial_year_end: 31 March",
        "financial_year_end: 31 Smarch",
        "financial_year_end: 31 March",
        "organisation.financial_year_end",
        "expected a day and month such as '31 March', got '31 Smarch'",
    ),
    "impossible year end": (
        "financial_year_end: 31 March",
        "financial_year_end: 31 April",
        "financial_year_end: 31 March",
        "organisation.financial_year_end",
        "day is out of range for month",
    ),
    "seats do not add up": (
        "total_seats: 9",
        "total_seats: 10",
        "total_seats: 9",
        "bodies[0].total_seats",
        "says 10 seats but the seat groups add up to 9",
    ),
    "electorate does not exist": (
        "electorate: public-north",
        "electorate: public-south",
        "electorate: public-north",
        "bodies[0].seats[0].electorate",
        "'public-south' is not a constituency, class or body",
    ),
    "appointer does not exist": (
        "appointer: council",
        "appointer: county-council",
        "appointer: council",
        "bodies[0].seats[2].appointer",
        "'county-council' is not an appointer or body; known: board, council",
    ),
    "threshold above one": (
        "threshold: {fraction: 1/2, inclusive: false}",
        "threshold: {fraction: 3/2, inclusive: false}",
        "threshold: {fraction: 1/2, inclusive: false}",
        "meetings.resolutions[0].threshold.fraction",
        "expected a fraction above 0 and at most 1, got '3/2'",
    ),
    "threshold of zero": (
        "threshold: {fraction: 1/2, inclusive: false}",
        "threshold: {fraction: 0, inclusive: false}",
        "threshold: {fraction: 1/2, inclusive: false}",
        "meetings.resolutions[0].threshold.fraction",
        "above 0 and at most 1, got 0",
    ),
    "threshold in words": (
        "threshold: {fraction: 1/2, inclusive: false}",
        "threshold: {fraction: a bit, inclusive: false}",
        "threshold: {fraction: 1/2, inclusive: false}",
        "meetings.resolutions[0].threshold.fraction",
        "expected a fraction such as 3/4 or 75%, got 'a bit'",
    ),
    "threshold without inclusive": (
        "threshold: {fraction: 1/2, inclusive: false}",
        "threshold: {fraction: 1/2}",
        "threshold: {fraction: 1/2, inclusive: false}",
        "meetings.resolutions[0].threshold.inclusive",
        "required field is missing",
    ),
    "empty quorum": (
        "    absolute: 3\n    fraction: 25%\n    combine: greater\n",
        "    combine: greater\n",
        "  quorum:",
        "meetings.quorum",
        "a quorum needs an absolute number, a fraction, or both",
    ),
    "quorum with two measures and no rule to combine them": (
        "    combine: greater\n",
        "",
        "  quorum:",
        "meetings.quorum",
        "say combine: greater or lesser",
    ),
    "unknown election method": (
        "method: scottish-stv",
        "method: stv",
        "method: scottish-stv",
        "elections.method",
        "expected one of 'scottish-stv', 'ers97-stv'",
    ),
    "timetable out of order": (
        "nominations_close: 28",
        "nominations_close: 45",
        "nominations_close: 28",
        "elections.timetable.nominations_close",
        "comes before notice_of_election",
    ),
    "unquoted time": (
        'poll_closes_at: "17:00"',
        "poll_closes_at: 17:00",
        'poll_closes_at: "17:00"',
        "elections.timetable.poll_closes_at",
        "write times in quotes, e.g. '17:00'",
    ),
    "votes following shares in a society": (
        "  transferable: false\n",
        "  transferable: false\n  votes: one-per-share\n",
        ("  transferable: false\n", 1),
        "shares.votes",
        "one member one vote",
    ),
    "dividend under an asset lock": (
        "    - use: interest-on-shares\n",
        "    - use: interest-on-shares\n    - use: patronage-dividend\n",
        ("    - use: interest-on-shares\n", 1),
        "surplus.allocation[2].use",
        "'patronage-dividend' hands surplus to members",
    ),
    "removable statutory lock": (
        "  removable: false\n",
        "  removable: true\n",
        "  removable: false\n",
        "asset_lock.removable",
        "a cbs-statutory asset lock cannot be removed",
    ),
    "a statutory lock passing assets to a plain co-op": (
        "  permitted_recipients: [charity]",
        "  permitted_recipients:\n    - charity\n    - co-operative-body",
        ("  permitted_recipients: [charity]", 2),
        "asset_lock.permitted_recipients[1]",
        "a cbs-statutory asset lock cannot pass assets to 'co-operative-body'",
    ),
    "threshold as a bare percentage": (
        "threshold: {fraction: 1/2, inclusive: false}",
        "threshold: 50%",
        "threshold: {fraction: 1/2, inclusive: false}",
        "meetings.resolutions[0].threshold",
        "expected 'at least 3/4', 'more than 1/2' or {fraction: 3/4, inclusive: true}, got '50%'",
    ),
    "year end as a bare number": (
        "financial_year_end: 31 March",
        "financial_year_end: 31",
        "financial_year_end: 31 March",
        "organisation.financial_year_end",
        "expected a day and month such as '31 March', got 31",
    ),
    "proxies required too early": (
        "  resolutions:\n",
        "  proxies:\n    allowed: true\n    lodge_hours_before: 240\n"
        "    earliest_required_days_before: 7\n  resolutions:\n",
        ("  resolutions:\n", 2),
        "meetings.proxies.lodge_hours_before",
        "proxies may not be required more than 7 days (168 hours) before the meeting",
    ),
    "recipients without a lock": (
        "  kind: cbs-statutory\n",
        "  kind: none\n",
        "  permitted_recipients: [charity]",
        "asset_lock.permitted_recipients",
        "listed, but there is no asset lock",
    ),
    "id that is not a slug": (
        "  - id: public-north\n",
        "  - id: Public North\n",
        "  - id: public-north\n",
        "constituencies[0].id",
        "expected a slug of lower-case letters, digits and hyphens, got 'Public North'",
    ),
    "composition rule broken": (
        "share: {fraction: 1/2, inclusive: false}",
        "share: {fraction: 2/3, inclusive: false}",
        "      - description: Public seats",
        "bodies[0].composition[0]",
        "'Public seats are more than half' fails: 5 of 9 seats is not more than 2/3",
    ),
    "negative age": (
        "minimum_age: 16",
        "minimum_age: -1",
        "minimum_age: 16",
        "constituencies[0].eligibility.minimum_age",
        "must be at least 0, got -1",
    ),
    "local authority code that is a name": (
        "local_authority_codes: [E08000021]",
        "local_authority_codes: [Newcastle]",
        "      area:\n",
        "constituencies[0].eligibility.area",
        "'Newcastle' is not an ONS code",
    ),
    "postcode area that is not a district": (
        "postcode_districts: [NE1, NE2]",
        "postcode_districts: [NE1, Jesmond]",
        "      area:\n",
        "constituencies[0].eligibility.area",
        "'Jesmond' is not a postcode district or sector",
    ),
    "staff constituency without a staff rule": (
        "      staff:\n        minimum_fixed_term_months: 12\n",
        "      minimum_age: 16\n",
        ("  - id: staff\n    name: Staff\n", 3),
        "constituencies[1].eligibility",
        "a staff constituency needs an eligibility.staff rule",
    ),
    "maximum holding below the minimum": (
        "maximum_holding_pence: 10000",
        "maximum_holding_pence: 50",
        "maximum_holding_pence: 10000",
        "shares.maximum_holding_pence",
        "is below minimum_holding_pence",
    ),
    "minimum holding not whole shares": (
        "minimum_holding_pence: 100",
        "minimum_holding_pence: 150",
        "minimum_holding_pence: 100",
        "shares.minimum_holding_pence",
        "is not a whole number of shares",
    ),
    "money as a float": (
        "nominal_value_pence: 100",
        "nominal_value_pence: 1.5",
        "nominal_value_pence: 100",
        "shares.nominal_value_pence",
        "expected a whole number of pence, got 1.5",
    ),
    "ids used twice": (
        "  - id: staff\n    name: Staff\n",
        "  - id: public-north\n    name: Staff\n",
        "  - id: staff\n    name: Staff\n",
        "constituencies[1].id",
        "id 'public-north' is already used at constituencies[0].id",
    ),
    "the reserved all-members id": (
        "  - id: council\n    name: The Council",
        "  - id: all-members\n    name: The Council",
        "  - id: council\n    name: The Council",
        "appointers[0].id",
        "'all-members' is reserved",
    ),
    "ex-officio seat with no office": (
        "        filled_by: appointed\n        appointer: council\n",
        "        filled_by: ex-officio\n",
        "      - id: council\n        seats: 1",
        "bodies[0].seats[2].office",
        "ex-officio seats need the office that holds them",
    ),
    "a yes where a number belongs": (
        "    years: 3",
        "    years: yes",
        "    years: 3",
        "bodies[0].term.years",
        "expected a whole number of years, got True",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_rulebook_names_file_line_and_field(name):
    old, new, where, field, message = CASES[name]
    snippet, lines_after = where if isinstance(where, tuple) else (where, 0)
    problems = problems_of(edit(old, new))
    # Some edits have consequences elsewhere (a renamed id leaves references dangling), so
    # look for the problem by its field, then check it is where and what it should be.
    found = [p for p in problems if p.field == field]
    assert len(found) == 1, problems
    assert (found[0].file, found[0].line) == (FILE, line_of(snippet) + lines_after)
    assert message in found[0].message, found[0].message
    assert len(problems) <= 2, problems


def test_the_briefs_example_message_exactly():
    text = edit("    notice_clear_days: 14\n", "    notice_clear_days: fourteen\n")
    with pytest.raises(RulebookError) as caught:
        load_text(text, FILE)
    line = line_of("    notice_clear_days: 14\n")
    assert str(caught.value) == (
        f"rules.yaml:{line} meetings.agm.notice_clear_days: "
        "expected a whole number of days, got 'fourteen'"
    )


def test_misspelt_field_suggests_the_right_one_and_reports_the_missing_one():
    text = edit("    notice_clear_days: 14\n", "    notice_clear_day: 14\n")
    problems = problems_of(text)
    by_field = {p.field: p for p in problems}
    assert by_field["meetings.agm.notice_clear_day"].message == (
        "unknown field (did you mean 'notice_clear_days'?)"
    )
    assert by_field["meetings.agm.notice_clear_day"].line == line_of("    notice_clear_days: 14\n")
    # The missing field has no line of its own, so it is placed on its parent's key.
    assert by_field["meetings.agm.notice_clear_days"].line == line_of("  agm:")
    assert len(problems) == 2


def test_every_field_problem_is_reported_in_one_pass():
    text = BASE
    text = edit("    notice_clear_days: 14\n", "    notice_clear_days: fourteen\n", text)
    text = edit("method: scottish-stv", "method: stv", text)
    text = edit("legal_form: community-benefit-society", "legal_form: co-op", text)
    text = edit("minimum_age: 16", "minimum_age: old enough", text)
    fields = {p.field: p.line for p in problems_of(text)}
    assert fields == {
        "organisation.legal_form": line_of("legal_form: community-benefit-society"),
        "constituencies[0].eligibility.minimum_age": line_of("minimum_age: 16"),
        "elections.method": line_of("method: scottish-stv"),
        "meetings.agm.notice_clear_days": line_of("    notice_clear_days: 14\n"),
    }


def test_every_cross_field_problem_is_reported_in_one_pass():
    text = BASE
    text = edit("total_seats: 9", "total_seats: 10", text)
    text = edit("appointer: council", "appointer: mayor", text)
    text = edit("nominations_close: 28", "nominations_close: 45", text)
    text = edit("  removable: false\n", "  removable: true\n", text)
    fields = [p.field for p in problems_of(text)]
    assert fields == [
        "bodies[0].total_seats",
        "bodies[0].seats[2].appointer",
        "elections.timetable.nominations_close",
        "asset_lock.removable",
    ]


def test_duplicate_keys_are_reported_with_both_lines():
    text = edit("  name: Test Society\n", "  name: Test Society\n  name: Other Society\n")
    problem = only_problem(text)
    first = line_of("  name: Test Society\n")
    assert (problem.line, problem.field) == (first + 1, "organisation.name")
    assert problem.message == f"duplicate key (first given on line {first})"


def test_yaml_syntax_error_has_its_line():
    text = edit("  purpose: testing the rulebook loader\n", "  purpose: [unclosed\n")
    problem = only_problem(text)
    assert problem.field == ""
    assert problem.message.startswith("YAML syntax:")
    assert problem.line is not None
    assert problem.line >= line_of("  purpose: testing")


def test_bad_indentation_is_a_syntax_error_on_its_line():
    text = edit("    kind: board\n", "     kind: board\n")
    problem = only_problem(text)
    assert problem.line == line_of("    kind: board\n")
    assert "YAML syntax" in problem.message


def test_missing_section_is_placed_on_the_first_line():
    start = BASE.index("asset_lock:")
    problem = only_problem(BASE[:start])
    assert (problem.line, problem.field, problem.message) == (
        1,
        "asset_lock",
        "required field is missing",
    )


def test_empty_and_non_mapping_rulebooks():
    assert only_problem("").message == "the rulebook is empty"
    assert (
        only_problem("- just\n- a list\n").message == "the rulebook must be a mapping of sections"
    )


def test_problem_text_formats():
    assert str(Problem("a.yaml", 3, "x.y", "bad")) == "a.yaml:3 x.y: bad"
    assert str(Problem("a.yaml", None, "", "gone")) == "a.yaml: gone"
    assert str(Problem("a.yaml", 7, "", "YAML syntax: oops")) == "a.yaml:7: YAML syntax: oops"


def test_load_file_uses_the_path_as_file_name(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(edit("total_seats: 9", "total_seats: 10"), encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_file(path)
    assert caught.value.problems[0].file == str(path)
    assert str(caught.value).startswith(f"{path}:{line_of('total_seats: 9')} ")


def test_missing_file_is_a_rulebook_error(tmp_path):
    with pytest.raises(RulebookError) as caught:
        load_file(tmp_path / "nowhere.yaml")
    assert caught.value.problems[0].line is None
    assert "No such file" in caught.value.problems[0].message


def test_there_are_at_least_twenty_broken_rulebooks():
    assert len(CASES) >= 20


def test_a_broken_rulebook_fails_every_time_it_is_loaded():
    text = edit("total_seats: 9", "total_seats: 10")
    first = problems_of(text)
    assert problems_of(text) == first


def test_hostile_yaml_is_refused_with_a_line_not_a_crash():
    endless = "organisation: &x [*x]\n"
    assert only_problem(endless).message == "the rulebook nests more than 50 levels deep"
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join([f'*{a}'] * 10)}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    problem = only_problem(laughs)
    assert problem.message == "the rulebook expands to more than 100000 values"
    complex_key = edit("  name: Test Society\n", "  ? [name]\n  : Test Society\n")
    problem = only_problem(complex_key)
    assert (problem.line, problem.message) == (
        line_of("  name: Test Society\n"),
        "a key must be a plain name",
    )


def test_anchors_and_aliases_may_share_a_block():
    text = edit("      area:\n", "      area: &north\n")
    text = edit("      staff:\n", "      staff: &staff-rule\n", text)
    text = edit(
        "appointers:\n",
        "  - id: staff-north\n    name: Staff in the north\n    kind: staff\n"
        "    eligibility:\n      area: *north\n      staff: *staff-rule\n"
        "appointers:\n",
        text,
    )
    shared = load_text(text, FILE).constituency("staff-north").eligibility
    assert shared.area.postcode_districts == ("NE1", "NE2")
    assert shared.staff.minimum_fixed_term_months == 12


def test_problems_are_listed_in_line_order():
    text = edit("    notice_clear_days: 14\n", "    notice_clear_days: fourteen\n")
    text = edit("financial_year_end: 31 March", "financial_year_end: 31 Smarch", text)
    text = edit("  removable: false\n", "  removable: maybe\n", text)
    lines = [p.line for p in problems_of(text)]
    assert lines == sorted(lines) and len(lines) == 3


def test_syntax_error_at_the_end_points_at_the_last_line():
    text = BASE + "extra: [unclosed\n"
    problem = only_problem(text)
    assert problem.line == len(text.splitlines())


def test_a_repeated_section_is_judged_by_its_last_copy_on_its_own_lines():
    text = BASE + "shares:\n  nominal_value_pence: 100\n  minimum_holding_pence: lots\n"
    problems = problems_of(text)
    lines = text.splitlines()
    second = lines.index("shares:", line_of("asset_lock:")) + 1
    assert [(p.field, p.line) for p in problems] == [
        ("shares", second),  # the duplicate key itself
        ("shares.withdrawable", second),  # missing from the copy that counts
        ("shares.transferable", second),
        ("shares.minimum_holding_pence", len(lines)),
    ]
    assert problems[0].message == f"duplicate key (first given on line {line_of('shares:')})"


def test_thresholds_may_be_written_as_the_rule_books_print_them():
    text = edit("threshold: {fraction: 1/2, inclusive: false}", "threshold: more than most")
    problem = only_problem(text)
    assert (problem.field, problem.message) == (
        "meetings.resolutions[0].threshold.fraction",
        "expected a fraction such as 3/4 or 75%, got 'most'",
    )
    for words, fraction, inclusive in [
        ("more than 1/2", Fraction(1, 2), False),
        ("at least 75%", Fraction(3, 4), True),
        ("more than half", Fraction(1, 2), False),
        ("at least two thirds", Fraction(2, 3), True),
        ("at least three quarters", Fraction(3, 4), True),
    ]:
        text = edit("threshold: {fraction: 1/2, inclusive: false}", f"threshold: {words}")
        threshold = load_text(text, FILE).resolution("ordinary").threshold
        assert (threshold.fraction, threshold.inclusive) == (fraction, inclusive), words
