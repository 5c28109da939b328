"""Who may join which constituency, judged only from the rulebook and an applicant's facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .calendar import add_months, age_on, last_year_end
from .postcodes import (
    in_areas,
    is_valid_postcode,
    normalise_postcode,
    postcode_district,
    postcode_sector,
)
from .schema import Attestation, Constitution, Eligibility

__all__ = [
    "ApplicantFacts",
    "Assessment",
    "age_on",
    "assess",
    "classes_for",
    "constituency_for",
    "in_areas",
    "may_vote",
    "is_valid_postcode",
    "normalise_postcode",
    "postcode_district",
    "postcode_sector",
]


@dataclass(frozen=True)
class ApplicantFacts:
    date_of_birth: date | None = None
    postcode: str | None = None
    local_authority_code: str | None = None
    is_staff: bool = False
    contract_fixed_term: bool | None = None
    contract_months: int | None = None
    employment_start: date | None = None
    last_service_use: date | None = None
    attestations: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Assessment:
    eligible: bool
    reasons: list[str]


def _age_reasons(rules: Eligibility, facts: ApplicantFacts, on: date) -> list[str]:
    if rules.minimum_age is None:
        return []
    if facts.date_of_birth is None:
        return [f"Members must be at least {rules.minimum_age}; no date of birth was given."]
    age = age_on(facts.date_of_birth, on)
    if age < rules.minimum_age:
        return [f"Members must be at least {rules.minimum_age}; the applicant is {age}."]
    return []


def _area_reasons(rules: Eligibility, facts: ApplicantFacts) -> list[str]:
    area = rules.area
    if area is None:
        return []
    by_postcode = bool(facts.postcode) and in_areas(facts.postcode, area.postcode_districts)
    by_authority = (
        facts.local_authority_code is not None
        and facts.local_authority_code.strip().upper() in area.local_authority_codes
    )
    if by_postcode or by_authority:
        return []
    where = area.description or "the constituency's area"
    if facts.postcode and not is_valid_postcode(facts.postcode):
        return [
            f"'{facts.postcode}' is not a valid UK postcode, so it cannot be placed in {where}."
        ]
    if not facts.postcode and not facts.local_authority_code:
        return [f"Members must live in {where}; no postcode or local authority was given."]
    return [f"Members must live in {where}; the address given is outside it."]


def _staff_reasons(rules: Eligibility, facts: ApplicantFacts, on: date) -> list[str]:
    if rules.excludes_staff and facts.is_staff:
        return ["Staff join the staff constituency, not this one."]
    staff = rules.staff
    if staff is None:
        return []
    if not facts.is_staff:
        return ["Only staff may join this constituency."]
    routes = []
    if staff.open_ended_contract_qualifies:
        if facts.contract_fixed_term is False:
            return []
        routes.append("a contract with no fixed term")
    if staff.minimum_fixed_term_months is not None:
        months = staff.minimum_fixed_term_months
        if facts.contract_fixed_term and (facts.contract_months or 0) >= months:
            return []
        routes.append(f"a fixed-term contract of at least {months} months")
    if staff.minimum_service_months is not None:
        months = staff.minimum_service_months
        start = facts.employment_start
        if start is not None and add_months(start, months) <= on:
            return []
        routes.append(f"at least {months} months' continuous employment")
    have = []
    if facts.contract_fixed_term:
        have.append(f"a fixed-term contract of {facts.contract_months or 0} months")
    if facts.employment_start is not None:
        have.append(f"employment since {facts.employment_start:%d %B %Y}")
    detail = f"; the applicant has {' and '.join(have)}" if have else ""
    return [f"Staff members need {' or '.join(routes)}{detail}."]


def _service_reasons(rules: Eligibility, facts: ApplicantFacts, on: date) -> list[str]:
    rule = rules.service_use
    if rule is None:
        return []
    earliest = add_months(on, -rule.within_months)
    last = facts.last_service_use
    if last is None:
        return [f"Members must have {rule.description} within {rule.within_months} months."]
    if last > on:
        return [f"The last use of the service ({last:%d %B %Y}) is after {on:%d %B %Y}."]
    if last < earliest:
        return [
            f"Members must have {rule.description} within {rule.within_months} months "
            f"(on or after {earliest:%d %B %Y}); the last use was {last:%d %B %Y}."
        ]
    return []


def _attestation_reasons(required: tuple[Attestation, ...], facts: ApplicantFacts) -> list[str]:
    return [
        f"The applicant has not confirmed: {attestation.text}"
        for attestation in required
        if attestation.id not in facts.attestations
    ]


def assess(
    constitution: Constitution, constituency_id: str, facts: ApplicantFacts, on: date
) -> Assessment:
    """Every rule of the constituency (or constituency class) the applicant fails, in words."""
    reasons = [reason for _, reason in failing_facts(constitution, constituency_id, facts, on)]
    return Assessment(eligible=not reasons, reasons=reasons)


def failing_facts(
    constitution: Constitution, constituency_id: str, facts: ApplicantFacts, on: date
) -> list[tuple[str, str]]:
    """As `assess`, each reason with the applicant's fact its rule reads: 'date_of_birth',
    'postcode' (or local authority), 'staff', 'last_service_use' or 'attestations', so that a
    form or an import report can show the reason beside the answer it concerns."""
    extra: tuple[Attestation, ...] = ()
    found = constitution.find_class(constituency_id)
    if found is not None:
        constituency, klass = found
        extra = klass.attestations
    else:
        constituency = constitution.constituency(constituency_id)
    rules = constituency.eligibility
    return [
        *(("date_of_birth", r) for r in _age_reasons(rules, facts, on)),
        *(("postcode", r) for r in _area_reasons(rules, facts)),
        *(("staff", r) for r in _staff_reasons(rules, facts, on)),
        *(("last_service_use", r) for r in _service_reasons(rules, facts, on)),
        *(("attestations", r) for r in _attestation_reasons(rules.attestations + extra, facts)),
    ]


def constituency_for(constitution: Constitution, facts: ApplicantFacts, on: date) -> list[str]:
    """Ids of the constituencies (not classes) the applicant qualifies for, in rulebook order."""
    return [
        constituency.id
        for constituency in constitution.constituencies
        if assess(constitution, constituency.id, facts, on).eligible
    ]


def classes_for(
    constitution: Constitution, constituency_id: str, facts: ApplicantFacts, on: date
) -> list[str]:
    """Ids of the classes of a constituency the applicant qualifies for, in rulebook order."""
    constituency = constitution.constituency(constituency_id)
    return [
        klass.id
        for klass in constituency.classes
        if assess(constitution, klass.id, facts, on).eligible
    ]


def may_vote(
    constitution: Constitution, date_of_birth: date | None, joined_on: date, on: date
) -> Assessment:
    """Whether a member may vote on `on` under the membership rules: the voting age, and (for
    building societies) membership since the end of the last financial year."""
    membership = constitution.membership
    reasons = []
    if joined_on > on:
        reasons.append(f"Not yet a member on {on:%d %B %Y}.")
    if membership.voting_minimum_age is not None:
        if date_of_birth is None:
            reasons.append(
                f"Members vote from {membership.voting_minimum_age}; no date of birth was given."
            )
        elif age_on(date_of_birth, on) < membership.voting_minimum_age:
            reasons.append(
                f"Members vote from {membership.voting_minimum_age}; the member is "
                f"{age_on(date_of_birth, on)}."
            )
    if membership.vote_requires_membership_at_year_end:
        end = constitution.organisation.financial_year_end
        year_end = last_year_end(on, end.day, end.month)
        if joined_on > year_end:
            reasons.append(
                f"Only those who were members at the end of the last financial year "
                f"({year_end:%d %B %Y}) may vote; this member joined on {joined_on:%d %B %Y}."
            )
    return Assessment(eligible=not reasons, reasons=reasons)
