"""A finding's rule reads as words on the public page, with the rulebook field beside it. The
walk reads every rule a health check can write (the `Finding(...)` calls in governance/checks)
and fails on a rulebook field with no words, so a new check cannot bring the jargon back."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from mutualise.demo import nhs_trust as demo
from mutualise.governance import services
from mutualise.governance.checks.rule_words import in_words

CHECKS = Path(__file__).parents[2] / "src/mutualise/governance/checks"


def _rules_the_checks_write():
    for path in sorted(CHECKS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node.func, "id", None) if isinstance(node, ast.Call) else None
            if name in {"Finding", "_not_elected"}:
                at = 3 if name == "Finding" else 5
                rule = node.args[at] if len(node.args) > at else None
                if not isinstance(rule, ast.JoinedStr | ast.Constant | ast.BinOp):
                    continue  # passed in (BRD-4): the walk reads it at the caller, below
                # A sample of what it writes: each {placeholder} becomes an id, and {field}
                # each of the fields the check passes in.
                text = ast.unparse(rule).split("+")[0].strip().lstrip("f")[1:-1]
                for field in _FIELDS.get(text.split(":")[0], ("",)):
                    sample = text.replace("{field}", field)
                    sample = re.sub(r"\{[^{}]*\}", "board", sample).replace("[board]", "[0]")
                    yield path.name, sample


_FIELDS = {  # what the checks' {field} placeholders stand for
    "meetings.agm.{field}": ("within_months_of_year_end", "within_months_of_previous"),
    "{field}": ("meetings.kinds.{rule.id}.notice_clear_days",),
}


@pytest.mark.parametrize(("module", "rule"), list(_rules_the_checks_write()))
def test_every_rulebook_field_a_check_names_has_words(module, rule):
    said = in_words(rule)
    if said.field:
        assert not said.words.startswith(said.field), f"{module}: no words for {said.field!r}"


def test_a_field_reads_as_words_and_keeps_its_value_and_statute():
    said = in_words("meetings.agm.within_months_of_year_end: 6 (CCBSA 2014 s.? )")
    assert (
        said.words == "Months allowed from the year end to the annual meeting: 6 (CCBSA 2014 s.? )"
    )
    assert said.field == "meetings.agm.within_months_of_year_end"
    assert in_words("bodies.board.seats.elected.until_next_agm: true").words.endswith(
        "annual meeting"
    )
    statute = "Co-operative and Community Benefit Societies Act 2014 s.30(2): name and address"
    assert in_words(statute) == in_words(statute).__class__(statute, "")
    assert in_words("bodies.board.composition[2]").words == "Who must sit on the body"


@pytest.mark.django_db
def test_the_public_page_shows_the_rule_in_words(client):
    org = demo.load().organisation
    findings = services.check_organisation(org)
    fields = [in_words(f.rule).field for f in findings if in_words(f.rule).field]
    assert fields
    text = client.get(reverse("governance:accountability", args=[org.slug])).content.decode()
    for f in findings:
        said = in_words(f.rule)
        if said.field:
            assert f"{said.words}<br>" in text.replace("&#x27;", "'")
            assert f"Rulebook field: <code>{said.field}</code>" in text
