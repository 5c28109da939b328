"""Every eligibility rule of every shipped rulebook, at its edges, through the register's
adapter (`register.eligibility.check_details`, which joining and importing use)."""

from datetime import date, timedelta

import pytest

from mutualise.constitution import available_models, load_file
from mutualise.constitution.calendar import add_months
from mutualise.register.eligibility import check_details
from mutualise.register.errors import MemberError, NotEligible

ON = date(2026, 6, 1)
OUTSIDE_EVERY_AREA = "ZE2 9XX"  # Shetland: no shipped rulebook's area


def _years_before(day: date, years: int) -> date:
    return add_months(day, -12 * years)


def cases():
    for model, path in sorted(available_models().items()):
        constitution = load_file(path)
        for constituency in constitution.constituencies:
            klass = constituency.classes[0] if constituency.classes else None
            yield pytest.param(constitution, constituency, klass, id=f"{model}:{constituency.id}")


def qualifying(constituency, klass) -> dict:
    """Details that meet every rule of the constituency (and class)."""
    rules = constituency.eligibility
    details = {"date_of_birth": _years_before(ON, (rules.minimum_age or 18) + 20)}
    if rules.area is not None:
        if rules.area.postcode_districts:
            prefix = rules.area.postcode_districts[0].strip().upper()
            details["postcode"] = f"{prefix} 1AA" if " " not in prefix else f"{prefix}AA"
        else:
            details["local_authority_code"] = rules.area.local_authority_codes[0]
    if rules.staff is not None:
        details["is_staff"] = True
        staff = rules.staff
        if staff.open_ended_contract_qualifies:
            details["contract_fixed_term"] = False
        elif staff.minimum_fixed_term_months:
            details.update(
                contract_fixed_term=True, contract_months=staff.minimum_fixed_term_months
            )
        else:
            details["employment_start"] = add_months(ON, -staff.minimum_service_months)
    if rules.service_use is not None:
        details["last_service_use"] = ON
    attestations = [a.id for a in rules.attestations]
    if klass is not None:
        attestations += [a.id for a in klass.attestations]
    details["attestations"] = attestations
    return details


def check(constitution, constituency, klass, details):
    return check_details(constitution, details, constituency.id, klass.id if klass else "", ON)


@pytest.mark.parametrize("constitution,constituency,klass", list(cases()))
def test_qualifying_details_qualify(constitution, constituency, klass):
    assert check(constitution, constituency, klass, qualifying(constituency, klass)) == (
        constituency.id,
        klass.id if klass else "",
    )


@pytest.mark.parametrize("constitution,constituency,klass", list(cases()))
def test_age_on_the_day(constitution, constituency, klass):
    minimum = constituency.eligibility.minimum_age
    details = qualifying(constituency, klass)
    if minimum is None:
        details["date_of_birth"] = ON - timedelta(days=1)  # a baby: no age rule to fail
        check(constitution, constituency, klass, details)
        return
    details["date_of_birth"] = _years_before(ON, minimum)  # birthday today: old enough
    check(constitution, constituency, klass, details)
    details["date_of_birth"] += timedelta(days=1)  # birthday tomorrow: not yet
    with pytest.raises(NotEligible, match=f"at least {minimum}"):
        check(constitution, constituency, klass, details)
    del details["date_of_birth"]
    with pytest.raises(NotEligible, match="no date of birth"):
        check(constitution, constituency, klass, details)


@pytest.mark.parametrize("constitution,constituency,klass", list(cases()))
def test_moved_out_of_area(constitution, constituency, klass):
    area = constituency.eligibility.area
    details = qualifying(constituency, klass)
    details.pop("local_authority_code", None)
    details["postcode"] = OUTSIDE_EVERY_AREA
    if area is None:
        check(constitution, constituency, klass, details)
        return
    with pytest.raises(NotEligible, match="live in"):
        check(constitution, constituency, klass, details)
    if area.local_authority_codes:  # the council area alone also qualifies
        details["local_authority_code"] = area.local_authority_codes[-1]
        check(constitution, constituency, klass, details)


@pytest.mark.parametrize("constitution,constituency,klass", list(cases()))
def test_staff_rule_and_contract_length(constitution, constituency, klass):
    rules = constituency.eligibility
    details = qualifying(constituency, klass)
    if rules.staff is None:
        if rules.excludes_staff:
            with pytest.raises(NotEligible, match="staff constituency"):
                check(constitution, constituency, klass, {**details, "is_staff": True})
        return
    with pytest.raises(NotEligible, match="Only staff"):
        check(constitution, constituency, klass, {**details, "is_staff": False})
    base = {**details, "contract_fixed_term": True, "contract_months": 0}
    base.pop("employment_start", None)
    months = rules.staff.minimum_fixed_term_months
    if months:
        check(constitution, constituency, klass, {**base, "contract_months": months})
        with pytest.raises(NotEligible, match=f"at least {months} months"):
            check(constitution, constituency, klass, {**base, "contract_months": months - 1})
    service = rules.staff.minimum_service_months
    if service:
        start = add_months(ON, -service)
        check(constitution, constituency, klass, {**base, "employment_start": start})
        with pytest.raises(NotEligible, match="continuous employment"):
            later = start + timedelta(days=1)
            check(constitution, constituency, klass, {**base, "employment_start": later})
    # A contract that has ended: no longer staff (the register's employment_end).
    with pytest.raises(NotEligible, match="Only staff"):
        ended = {**details, "employment_end": ON - timedelta(days=1)}
        check(constitution, constituency, klass, ended)
    check(constitution, constituency, klass, {**details, "employment_end": ON})


@pytest.mark.parametrize("constitution,constituency,klass", list(cases()))
def test_service_use_within_the_period(constitution, constituency, klass):
    rule = constituency.eligibility.service_use
    details = qualifying(constituency, klass)
    if rule is None:
        return
    earliest = add_months(ON, -rule.within_months)
    check(constitution, constituency, klass, {**details, "last_service_use": earliest})
    with pytest.raises(NotEligible, match=f"within {rule.within_months} months"):
        before = earliest - timedelta(days=1)
        check(constitution, constituency, klass, {**details, "last_service_use": before})


@pytest.mark.parametrize("constitution,constituency,klass", list(cases()))
def test_attestations_are_required(constitution, constituency, klass):
    details = qualifying(constituency, klass)
    if not details["attestations"]:
        return
    with pytest.raises(NotEligible, match="has not confirmed"):
        check(constitution, constituency, klass, {**details, "attestations": []})


@pytest.mark.parametrize("constitution,constituency,klass", list(cases()))
def test_classes_must_be_chosen(constitution, constituency, klass):
    details = qualifying(constituency, klass)
    if klass is None:
        with pytest.raises(MemberError, match="has no classes"):
            check_details(constitution, details, constituency.id, "made-up-class", ON)
        return
    with pytest.raises(MemberError, match="Choose which part"):
        check_details(constitution, details, constituency.id, "", ON)


def test_first_qualifying_constituency_is_chosen_and_unknown_ones_named():
    constitution = load_file(available_models()["nhs-foundation-trust"])
    born = date(1980, 1, 1)
    details = {"date_of_birth": born, "postcode": "NE9 5AA"}
    assert check_details(constitution, details, None, "", ON) == ("public-gateshead", "")
    with pytest.raises(MemberError, match="no constituency 'mars'"):
        check_details(constitution, details, "mars", "", ON)
    with pytest.raises(NotEligible) as caught:
        check_details(constitution, {"date_of_birth": born, "postcode": "ZE2 9XX"}, None, "", ON)
    assert any(r.startswith("Public constituency - Gateshead:") for r in caught.value.reasons)
