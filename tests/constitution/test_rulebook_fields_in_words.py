"""Issue 20, item 5: rulebook fields the pure core honours, each changed in a model rulebook:
`organisation.financial_year_end` (when the AGM is due), `meetings.proxies.
earliest_required_days_before` (how early a proxy may be required), and the descriptive
`meetings.resolutions.used_for` and `shares.interest_policy` (what the rules say in words), and a
body's composition selectors and limits (`seats.constituency_kind`, `seats.appointer_kind`,
`share_at_most`, `one_per_class_of`), checked against its seats as the rulebook loads."""

from datetime import date

import pytest

from mutualise.constitution import RulebookError, explain, load_text, model_path
from mutualise.constitution.meetings_rules import agm_deadline


def _rules(model, old, new):
    text = model_path(model).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return load_text(text.replace(old, new), f"{model}.yaml")


def _words(constitution) -> str:
    return " ".join(explain(constitution))


def test_financial_year_end_moves_the_agm_deadline():
    december = "financial_year_end: 31 December"
    usual = _rules("co-operative-society", december, december)
    march = _rules("co-operative-society", december, "financial_year_end: 31 March")
    assert agm_deadline(usual, 2026) == date(2027, 6, 30)  # six months after 31 December 2026
    assert agm_deadline(march, 2026) == date(2026, 9, 30)  # six months after 31 March 2026


def test_earliest_required_days_before_bounds_the_lodging_deadline():
    seven = "    earliest_required_days_before: 7    # [S]\n"
    lodge = seven + "    lodge_hours_before: 72\n"
    assert _rules("building-society", seven, lodge).meetings.proxies.lodge_hours_before == 72
    with pytest.raises(RulebookError, match=r"may not be required more than 2 days \(48 hours\)"):
        _rules("building-society", seven, lodge.replace("days_before: 7", "days_before: 2"))


def test_used_for_is_said_in_words():
    old = "used_for: [rule changes, expelling a member,"
    usual = _words(_rules("co-operative-society", old, old))
    changed = _words(_rules("co-operative-society", old, "used_for: [renaming the society,"))
    assert "(for rule changes, expelling a member" in usual
    assert "(for renaming the society" in changed and "(for rule changes" not in changed


def test_interest_policy_is_said_in_words():
    old = "interest_policy: The lowest rate sufficient to attract and retain the capital."
    usual = _words(_rules("community-energy-coop", old, old))
    changed = _words(
        _rules("community-energy-coop", old, "interest_policy: Set each year at the AGM.")
    )
    assert "The lowest rate sufficient to attract and retain the capital." in usual
    assert "Set each year at the AGM." in changed and "The lowest rate" not in changed


# --- a body's composition rules, checked against its seats when the rulebook loads ------------


def test_composition_constituency_kind_chooses_the_seats_counted():
    staff = "        seats: {constituency_kind: staff}\n        at_least: 3"
    assert _rules("nhs-foundation-trust", staff, staff)
    with pytest.raises(RulebookError, match="'At least 3 staff governors' fails: 2 such seats"):
        _rules("nhs-foundation-trust", staff, staff.replace("staff}", "patient}"))


def test_composition_appointer_kind_chooses_the_seats_counted():
    council = "        seats: {appointer_kind: local-authority}\n        at_least: 1"
    assert _rules("nhs-foundation-trust", council, council.replace("local-authority", "university"))
    with pytest.raises(RulebookError, match="by a local authority' fails: 0 such seats"):
        _rules("nhs-foundation-trust", council, council.replace("local-authority", "sponsor"))


GOVERNORS = "    composition:\n      # 14 public of 24 seats"


def _with_rule(rule: str):
    """The NHS trust's council of governors with one more composition rule, first."""
    return _rules("nhs-foundation-trust", GOVERNORS, rule + "      # 14 public of 24 seats")


def test_composition_electorate_chooses_the_seats_counted():
    newcastle = """\
    composition:
      - description: At least 6 governors for Newcastle
        seats: {electorate: public-newcastle}
        at_least: 6
"""
    assert _with_rule(newcastle)
    gateshead = newcastle.replace("electorate: public-newcastle", "electorate: public-gateshead")
    with pytest.raises(RulebookError, match="'At least 6 governors for Newcastle' fails: 4 such"):
        _with_rule(gateshead)


def test_composition_appointer_chooses_the_seats_counted():
    university = """\
    composition:
      - description: Two governors appointed by the university
        seats: {appointer: newcastle-university}
        at_least: 2
"""
    assert _with_rule(university)
    council = university.replace("appointer: newcastle-university", "appointer: gateshead-council")
    with pytest.raises(RulebookError, match="by the university' fails: 1 such seat"):
        _with_rule(council)


def test_composition_share_at_most():
    residents = "        share_at_most: 1/3"
    assert _rules("cooperative-council-board", residents, residents)
    with pytest.raises(RulebookError, match="fails: 4 of 12 seats is more than 25%"):
        _rules("cooperative-council-board", residents, "        share_at_most: 1/4")


def test_composition_one_per_class_of():
    staff = "one_per_class_of: staff"
    assert _rules("nhs-foundation-trust", staff, staff)
    with pytest.raises(RulebookError, match="'public-newcastle' has no classes"):
        _rules("nhs-foundation-trust", staff, "one_per_class_of: public-newcastle")


# --- the free-text notes of the surplus and the asset lock, said where the rules are explained -


def test_a_surplus_shares_note_is_said_in_words():
    old = """\
  allocation:
    - use: reserves
      note: Repairs and major works fund.
"""
    usual = _words(_rules("housing-coop", old, old))
    changed = _words(_rules("housing-coop", old, old.replace("Repairs and", "Kept for")))
    assert "Surplus may go to reserves (Repairs and major works fund)" in usual
    assert "reserves (Kept for major works fund)" in changed and "Repairs and" not in changed


def test_the_asset_locks_note_is_said_in_words():
    old = """\
asset_lock:
  kind: rules"""
    noted = """\
asset_lock:
  note: On dissolution the houses pass to another housing co-operative.
  kind: rules"""
    usual = _words(_rules("housing-coop", old, old))
    changed = _words(_rules("housing-coop", old, noted))
    assert "The lock cannot be removed." in usual and "On dissolution" not in usual
    assert "cannot be removed. On dissolution the houses pass to another housing co-op" in changed
