"""The shipped model rulebooks: each loads, round-trips and reads as plain English."""

import re
import subprocess
import sys

import pytest

from mutualise.constitution import (
    SCHEMA_VERSION,
    Constitution,
    available_models,
    explain,
    load_file,
    load_text,
    model_path,
)
from mutualise.constitution.schema import ElectionMethod, SeatFill

EXPECTED_MODELS = {
    "nhs-foundation-trust",
    "co-operative-society",
    "community-benefit-society",
    "community-energy-coop",
    "supporters-trust",
    "cooperative-trust-school",
    "employee-owned-partnership",
    "public-service-mutual",
    "community-mutual",
    "cooperative-council-board",
    "housing-coop",
    "credit-union",
    "building-society",
}
SLUGS = sorted(EXPECTED_MODELS)


def test_every_organisation_model_has_a_rulebook():
    assert set(available_models()) == EXPECTED_MODELS


def test_unknown_model_lists_the_known_ones():
    with pytest.raises(KeyError) as caught:
        model_path("co-op")
    message = str(caught.value)
    assert message.startswith("no model rulebook 'co-op'; known models: building-society, ")
    assert all(slug in message for slug in EXPECTED_MODELS)


@pytest.mark.parametrize("slug", SLUGS)
def test_model_loads_and_round_trips_through_json(slug):
    constitution = load_file(model_path(slug))
    assert constitution.schema_version == SCHEMA_VERSION
    dumped = constitution.model_dump(mode="json")
    again = Constitution.model_validate(dumped)
    assert again == constitution
    assert again.model_dump(mode="json") == dumped


@pytest.mark.parametrize("slug", SLUGS)
def test_model_is_a_commented_worked_example(slug):
    text = model_path(slug).read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if "#" in line]
    assert len(comments) >= 15
    assert "[S]" in text or "[R]" in text
    # Every [R] recalled value is flagged in a comment, never silently.
    assert "[R]" in text


@pytest.mark.parametrize("slug", SLUGS)
def test_ids_are_stable_slugs_and_unique(slug):
    c = load_file(model_path(slug))
    ids = [k.id for k in c.constituencies]
    ids += [klass.id for k in c.constituencies for klass in k.classes]
    ids += [b.id for b in c.bodies] + [a.id for a in c.appointers]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


@pytest.mark.parametrize("slug", SLUGS)
def test_election_method_names_a_counting_registry_slug(slug):
    c = load_file(model_path(slug))
    assert c.elections.method in set(ElectionMethod)
    assert isinstance(c.model_dump(mode="json")["elections"]["method"], str)


@pytest.mark.parametrize("slug", SLUGS)
def test_explain_covers_every_topic(slug):
    paragraphs = explain(load_file(model_path(slug)))
    text = " ".join(paragraphs)
    assert all(p and p[0].isupper() for p in paragraphs)
    for topic in ("Membership", "seats", "Elections use", "The AGM must be held", "Quorum"):
        assert topic in text, topic
    assert ("Shares are" in text) or ("no shares" in text)
    assert "Surplus may go to" in text
    assert ("asset lock" in text) or ("Assets are held" in text)


def test_explain_nhs_in_the_words_of_the_brief():
    text = " ".join(explain(load_file(model_path("nhs-foundation-trust"))))
    assert "Members in 3 public constituencies elect 14 public governors for 3-year terms" in text
    assert "The AGM must be held within 6 months of 31 March" in text
    assert "Members in 3 staff classes elect 4 staff governors for 3-year terms" in text
    assert "Other seats: 1 appointed by Newcastle City Council" in text
    assert "notice of election at least 40 working days before the poll closes" in text
    assert "weekends, bank holidays in England and Wales, Christmas Eve, Christmas Day and " in text


def test_explain_coop_thresholds_and_shares():
    text = " ".join(explain(load_file(model_path("co-operative-society"))))
    assert "Quorum: 3 members or 25% of members, whichever is greater." in text
    assert "Extraordinary resolution: at least 75% of the votes cast" in text
    assert "Ordinary resolution: more than 50% of the votes cast" in text
    assert "Members may requisition a general meeting: 10% of members or 100 members" in text
    assert "whichever is lesser" in text
    assert "Shares are £1 each; a member holds at least £1 and at most £100,000." in text
    assert "One third of the elected directors retire at each AGM" in text
    assert "The chair has no casting vote: a tie is lost." in text


def test_nhs_council_meets_the_statutory_composition():
    council = load_file(model_path("nhs-foundation-trust")).body("council-of-governors")
    public = sum(
        g.seats for g in council.seats if g.electorate and g.electorate.startswith("public")
    )
    assert public * 2 > council.seat_count
    staff = [g for g in council.seats if g.electorate and g.electorate.startswith("staff-")]
    assert sum(g.seats for g in staff) >= 3 and len(staff) == 3
    assert any(
        g.appointer in ("newcastle-city-council", "gateshead-council") for g in council.seats
    )


def test_jlp_partnership_council_has_the_published_make_up():
    council = load_file(model_path("employee-owned-partnership")).body("partnership-council")
    by_fill = {}
    for group in council.seats:
        by_fill[group.filled_by] = by_fill.get(group.filled_by, 0) + group.seats
    assert by_fill == {SeatFill.ELECTED: 66, SeatFill.EX_OFFICIO: 16, SeatFill.APPOINTED: 3}


def test_rulebook_is_frozen():
    c = load_file(model_path("credit-union"))
    with pytest.raises(ValueError):
        c.organisation.name = "Other"


def test_load_text_of_a_model_equals_load_file():
    path = model_path("housing-coop")
    assert load_text(path.read_text(encoding="utf-8"), "x.yaml") == load_file(path)


def test_the_library_imports_no_django():
    code = (
        "import sys; import mutualise.constitution, mutualise.constitution.cli, "
        "mutualise.constitution.eligibility, mutualise.constitution.meetings_rules, "
        "mutualise.constitution.calendar; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django' or "
        "m.startswith('mutualise.') and not m.startswith('mutualise.constitution')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_load_text_reuses_the_frozen_result_for_the_same_text():
    text = model_path("housing-coop").read_text(encoding="utf-8")
    first = load_text(text, "a.yaml")
    assert load_text(text, "a.yaml") is first
    assert load_text(text, "b.yaml") == first


def test_every_election_method_is_in_the_counting_registry():
    # The two pure libraries never import each other; this test holds them to one vocabulary.
    from mutualise.counting.methods import METHODS

    assert {method.value for method in ElectionMethod} <= set(METHODS)


def test_explanation_uses_the_organisations_own_name_and_sections():
    from mutualise.constitution import explain_sections, legal_form_label

    constitution = load_file(model_path("nhs-foundation-trust"))
    sections = explain_sections(constitution, name="Northshire NHS FT")
    headings = [heading for heading, _ in sections]
    assert headings[0] == "Membership" and "Elections" in headings and "Meetings" in headings
    membership = sections[0][1]
    assert membership[0].startswith("Northshire NHS FT is an NHS foundation trust")
    assert len(membership) == 1 + len(constitution.constituencies)
    assert explain(constitution, name="Northshire NHS FT")[0].startswith("Northshire NHS FT")
    assert legal_form_label("nhs-foundation-trust") == "NHS foundation trust"
    assert legal_form_label("co-operative-society") == "Co-operative society"
