"""Every eligibility rule of every shipped rulebook, at its edges."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualise.constitution import available_models, explain, load_file, load_text, model_path
from mutualise.constitution.calendar import add_months
from mutualise.constitution.eligibility import (
    ApplicantFacts,
    age_on,
    assess,
    classes_for,
    constituency_for,
    may_vote,
)

ON = date(2027, 6, 15)
MODELS = {slug: load_file(path) for slug, path in available_models().items()}
CONSTITUENCIES = [
    (slug, constituency.id) for slug, c in MODELS.items() for constituency in c.constituencies
]
OUTSIDE_EVERY_AREA = "ZE1 0AB"  # Lerwick, Shetland: no shipped rulebook covers it


def ids(value):
    return "-".join(value) if isinstance(value, tuple) else str(value)


def qualifying_facts(slug: str, constituency_id: str) -> ApplicantFacts:
    """Facts that meet every rule of the constituency comfortably."""
    rules = MODELS[slug].constituency(constituency_id).eligibility
    facts = ApplicantFacts(
        date_of_birth=date(1980, 1, 1),
        attestations=frozenset(a.id for a in rules.attestations),
    )
    if rules.area is not None:
        if rules.area.postcode_districts:
            prefix = rules.area.postcode_districts[0]
            postcode = f"{prefix} 1AB" if " " not in prefix else f"{prefix}AB"
            facts = replace(facts, postcode=postcode)
        else:
            facts = replace(facts, local_authority_code=rules.area.local_authority_codes[0])
    if rules.staff is not None:
        facts = replace(facts, is_staff=True, employment_start=date(2010, 1, 1))
        if rules.staff.open_ended_contract_qualifies:
            facts = replace(facts, contract_fixed_term=False)
        else:
            facts = replace(facts, contract_fixed_term=True, contract_months=60)
    if rules.service_use is not None:
        facts = replace(facts, last_service_use=ON - timedelta(days=1))
    return facts


def rules_of(slug, constituency_id):
    return MODELS[slug].constituency(constituency_id).eligibility


@pytest.mark.parametrize("case", CONSTITUENCIES, ids=ids)
def test_qualifying_applicant_is_eligible(case):
    slug, constituency_id = case
    result = assess(MODELS[slug], constituency_id, qualifying_facts(*case), ON)
    assert result.eligible, result.reasons
    assert result.reasons == []


@pytest.mark.parametrize(
    "case", [c for c in CONSTITUENCIES if rules_of(*c).minimum_age is not None], ids=ids
)
def test_minimum_age_on_the_birthday_and_the_day_before(case):
    slug, constituency_id = case
    age = rules_of(*case).minimum_age
    born = date(ON.year - age, ON.month, ON.day)  # the birthday falls on ON itself
    facts = replace(qualifying_facts(*case), date_of_birth=born)
    assert assess(MODELS[slug], constituency_id, facts, ON).eligible
    younger = replace(facts, date_of_birth=born + timedelta(days=1))
    result = assess(MODELS[slug], constituency_id, younger, ON)
    assert not result.eligible
    assert result.reasons == [f"Members must be at least {age}; the applicant is {age - 1}."]
    unknown = replace(facts, date_of_birth=None)
    assert "no date of birth" in assess(MODELS[slug], constituency_id, unknown, ON).reasons[0]


@pytest.mark.parametrize(
    "case", [c for c in CONSTITUENCIES if rules_of(*c).area is not None], ids=ids
)
def test_moving_out_of_the_area(case):
    slug, constituency_id = case
    area = rules_of(*case).area
    facts = replace(qualifying_facts(*case), postcode=None, local_authority_code=None)
    if area.postcode_districts:
        for prefix in area.postcode_districts:
            inside = f"{prefix} 9ZZ" if " " not in prefix else f"{prefix}ZZ"
            assert assess(
                MODELS[slug], constituency_id, replace(facts, postcode=inside), ON
            ).eligible
        # The same district written carelessly still matches.
        careless = area.postcode_districts[0].lower() + "9zz"
        assert assess(MODELS[slug], constituency_id, replace(facts, postcode=careless), ON).eligible
    for code in area.local_authority_codes:
        by_code = replace(facts, local_authority_code=code)
        assert assess(MODELS[slug], constituency_id, by_code, ON).eligible
    moved = replace(facts, postcode=OUTSIDE_EVERY_AREA)
    result = assess(MODELS[slug], constituency_id, moved, ON)
    assert not result.eligible
    assert result.reasons == [
        f"Members must live in {area.description}; the address given is outside it."
    ]
    nowhere = assess(MODELS[slug], constituency_id, facts, ON)
    assert "no postcode or local authority was given" in nowhere.reasons[0]


@pytest.mark.parametrize(
    "case", [c for c in CONSTITUENCIES if rules_of(*c).staff is not None], ids=ids
)
def test_staff_contract_and_service_edges(case):
    slug, constituency_id = case
    staff = rules_of(*case).staff
    model = MODELS[slug]
    base = qualifying_facts(*case)
    just_started = replace(base, employment_start=ON, contract_fixed_term=True)

    if staff.open_ended_contract_qualifies:
        open_ended = replace(just_started, contract_fixed_term=False)
        assert assess(model, constituency_id, open_ended, ON).eligible

    if staff.minimum_fixed_term_months is not None:
        n = staff.minimum_fixed_term_months
        assert assess(model, constituency_id, replace(just_started, contract_months=n), ON).eligible
        short = assess(model, constituency_id, replace(just_started, contract_months=n - 1), ON)
        assert not short.eligible
        assert f"a fixed-term contract of at least {n} months" in short.reasons[0]
        assert f"the applicant has a fixed-term contract of {n - 1} months" in short.reasons[0]
    else:
        assert not assess(
            model, constituency_id, replace(just_started, contract_months=600), ON
        ).eligible

    if staff.minimum_service_months is not None:
        n = staff.minimum_service_months
        started = add_months(ON, -n)  # exactly n months' service today
        long_enough = replace(just_started, contract_months=1, employment_start=started)
        assert assess(model, constituency_id, long_enough, ON).eligible
        a_day_short = replace(long_enough, employment_start=started + timedelta(days=1))
        result = assess(model, constituency_id, a_day_short, ON)
        assert not result.eligible
        assert f"at least {n} months' continuous employment" in result.reasons[0]

    not_staff = replace(base, is_staff=False)
    assert assess(model, constituency_id, not_staff, ON).reasons == [
        "Only staff may join this constituency."
    ]


@pytest.mark.parametrize(
    "case", [c for c in CONSTITUENCIES if rules_of(*c).excludes_staff], ids=ids
)
def test_staff_are_kept_out_of_other_constituencies(case):
    slug, constituency_id = case
    facts = replace(qualifying_facts(*case), is_staff=True)
    assert assess(MODELS[slug], constituency_id, facts, ON).reasons == [
        "Staff join the staff constituency, not this one."
    ]


FAMILIES_SERVICE = """\
      service_use:
        within_months: 12               # [R]
        description: used a children's centre with a child under five
"""


def test_the_service_uses_description_is_the_reason_and_the_explanation():
    """A never-seen applicant is told what use of the service the rules ask for, in the
    rulebook's words, and so is everyone reading the rules."""
    text = model_path("community-mutual").read_text(encoding="utf-8")
    assert text.count(FAMILIES_SERVICE) == 1
    renamed = FAMILIES_SERVICE.replace("used a children's centre", "attended a family hub")
    for rules, words in (
        (load_text(text, "usual.yaml"), "used a children's centre"),
        (load_text(text.replace(FAMILIES_SERVICE, renamed), "hub.yaml"), "attended a family hub"),
    ):
        facts = replace(qualifying_facts("community-mutual", "families"), last_service_use=None)
        result = assess(rules, "families", facts, ON)
        asked = f"{words} with a child under five"
        assert result.reasons == [f"Members must have {asked} within 12 months."]
        assert f"who have {words}" in " ".join(explain(rules))


@pytest.mark.parametrize(
    "case", [c for c in CONSTITUENCIES if rules_of(*c).service_use is not None], ids=ids
)
def test_service_use_exactly_n_months_ago_and_a_day_more(case):
    slug, constituency_id = case
    n = rules_of(*case).service_use.within_months
    edge = add_months(ON, -n)
    facts = replace(qualifying_facts(*case), last_service_use=edge)
    assert assess(MODELS[slug], constituency_id, facts, ON).eligible
    result = assess(
        MODELS[slug], constituency_id, replace(facts, last_service_use=edge - timedelta(days=1)), ON
    )
    assert not result.eligible
    assert f"within {n} months (on or after {edge:%d %B %Y})" in result.reasons[0]
    never = assess(MODELS[slug], constituency_id, replace(facts, last_service_use=None), ON)
    assert not never.eligible
    future = assess(
        MODELS[slug], constituency_id, replace(facts, last_service_use=ON + timedelta(days=1)), ON
    )
    assert not future.eligible


@pytest.mark.parametrize("case", [c for c in CONSTITUENCIES if rules_of(*c).attestations], ids=ids)
def test_each_attestation_is_required(case):
    slug, constituency_id = case
    facts = qualifying_facts(*case)
    for attestation in rules_of(*case).attestations:
        missing = replace(facts, attestations=facts.attestations - {attestation.id})
        result = assess(MODELS[slug], constituency_id, missing, ON)
        assert result.reasons == [f"The applicant has not confirmed: {attestation.text}"]


def test_every_failed_rule_is_listed():
    nhs = MODELS["nhs-foundation-trust"]
    facts = ApplicantFacts(date_of_birth=date(2012, 1, 1), postcode="ZE1 0AB", is_staff=True)
    result = assess(nhs, "public-newcastle", facts, ON)
    assert not result.eligible
    assert len(result.reasons) == 3
    assert result.reasons[0] == "Members must be at least 16; the applicant is 15."


def test_staff_classes_add_their_own_attestations():
    nhs = MODELS["nhs-foundation-trust"]
    facts = qualifying_facts("nhs-foundation-trust", "staff")
    assert assess(nhs, "staff-other", facts, ON).eligible
    nursing = assess(nhs, "staff-nursing", facts, ON)
    assert nursing.reasons == [
        "The applicant has not confirmed: I work in a nursing or midwifery role."
    ]
    facts = replace(facts, attestations=frozenset({"nursing-or-midwifery-role"}))
    assert assess(nhs, "staff-nursing", facts, ON).eligible


def test_unknown_constituency_is_a_clear_error():
    with pytest.raises(KeyError) as caught:
        assess(MODELS["nhs-foundation-trust"], "public-south", ApplicantFacts(), ON)
    assert str(caught.value) == (
        "no constituency 'public-south'; known: public-newcastle, public-gateshead, "
        "public-north-tyneside, staff, patients-and-carers"
    )


def test_constituency_for_lists_every_constituency_the_applicant_fits():
    nhs = MODELS["nhs-foundation-trust"]
    resident = ApplicantFacts(date_of_birth=date(1990, 5, 1), postcode="NE2 4HH")
    assert constituency_for(nhs, resident, ON) == ["public-newcastle"]
    patient = replace(resident, last_service_use=date(2026, 1, 10))
    assert constituency_for(nhs, patient, ON) == ["public-newcastle", "patients-and-carers"]
    nurse = replace(patient, is_staff=True, contract_fixed_term=False)
    assert constituency_for(nhs, nurse, ON) == ["staff"]
    moved_away = replace(resident, postcode="ZE1 0AB")
    assert constituency_for(nhs, moved_away, ON) == []


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2011, 6, 15), date(2027, 6, 15), 16),
        (date(2011, 6, 16), date(2027, 6, 15), 15),
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # a leapling comes of age on 1 March
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


def test_model_slugs_in_this_module_cover_every_model():
    assert set(MODELS) == set(available_models())
    assert model_path("credit-union").name == "credit_union.yaml"


def test_classes_for_lists_the_staff_classes_an_applicant_fits():
    nhs = MODELS["nhs-foundation-trust"]
    facts = qualifying_facts("nhs-foundation-trust", "staff")
    assert classes_for(nhs, "staff", facts, ON) == ["staff-other"]
    nurse = replace(facts, attestations=frozenset({"nursing-or-midwifery-role"}))
    assert classes_for(nhs, "staff", nurse, ON) == ["staff-nursing", "staff-other"]
    assert classes_for(nhs, "public-newcastle", facts, ON) == []


@given(
    st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)),
    st.dates(min_value=date(2021, 1, 1), max_value=date(2040, 12, 31)),
)
def test_age_on_agrees_with_counting_birthdays(born, on):
    # Count whole years by stepping through birthdays one at a time.
    years = 0
    while True:
        try:
            next_birthday = born.replace(year=born.year + years + 1)
        except ValueError:  # 29 February in a common year: 1 March
            next_birthday = date(born.year + years + 1, 3, 1)
        if next_birthday > on:
            break
        years += 1
    assert age_on(born, on) == years


def test_building_society_votes_need_age_18_and_membership_at_the_year_end():
    society = MODELS["building-society"]  # year ends 31 December
    adult = date(1990, 1, 1)
    # Voting on 20 April 2027: the last year ended on 31 December 2026.
    assert may_vote(society, adult, date(2026, 12, 31), date(2027, 4, 20)).eligible
    late = may_vote(society, adult, date(2027, 1, 1), date(2027, 4, 20))
    assert late.reasons == [
        "Only those who were members at the end of the last financial year (31 December 2026) "
        "may vote; this member joined on 01 January 2027."
    ]
    # On the year-end day itself, the last year to have ended is the one before.
    assert not may_vote(society, adult, date(2027, 1, 5), date(2027, 12, 31)).eligible
    assert may_vote(society, adult, date(2026, 12, 31), date(2027, 12, 31)).eligible
    # 18 on the day of the vote may vote; the day before the birthday may not.
    assert may_vote(society, date(2009, 4, 20), date(2020, 1, 1), date(2027, 4, 20)).eligible
    minor = may_vote(society, date(2009, 4, 21), date(2020, 1, 1), date(2027, 4, 20))
    assert minor.reasons == ["Members vote from 18; the member is 17."]


def test_most_rulebooks_let_every_member_vote_from_joining():
    coop = MODELS["co-operative-society"]
    assert may_vote(coop, None, date(2027, 4, 20), date(2027, 4, 20)).eligible
    assert not may_vote(coop, None, date(2027, 4, 21), date(2027, 4, 20)).eligible
