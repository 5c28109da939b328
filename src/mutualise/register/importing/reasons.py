"""Why a row's person may not join, each reason under the column it concerns, once, and every
constituency by its rulebook name (issue 19: "too young" was filed under Postcode and repeated
once per constituency)."""

from __future__ import annotations

# The applicant's fact a rule reads (constitution.eligibility.failing_facts) -> import field.
FACT_FIELDS = {
    "date_of_birth": "date_of_birth",
    "postcode": "postcode",
    "staff": "is_staff",
    "last_service_use": "last_service_use",
    "attestations": "attestations",
}

# A problem's kind in words, for the import's summary.
KIND_WORDS = {
    "missing_name": "no name",
    "bad_postcode": "a postcode that is not a UK postcode",
    "impossible_date": "a date that does not exist",
    "unreadable_date": "a date that cannot be read",
    "ambiguous_date": "a date that could be read two ways",
    "future_date": "a date in the future",
    "implausible_date": "an implausible date",
    "bad_email": "an email address that is not one",
    "bad_phone": "a phone number that is not one",
    "bad_channel": "an unknown way to contact them",
    "unknown_constituency": "a constituency the rules do not have",
    "unknown_class": "a class the rules do not have",
    "class_required": "no class where the constituency needs one",
    "bad_yes_no": "a yes-or-no column with another answer",
    "bad_number": "a number that is not a whole number",
    "not_eligible": "not eligible to join",
    "wrong_constituency": "eligible for another constituency than the one given",
    "missing_date_of_birth": "no date of birth where the rules set a minimum age",
    "duplicate_in_file": "the same person twice in the file",
    "duplicate_ref_in_file": "the same reference twice in the file",
    "duplicate_in_register": "someone already on the register with other details",
    "extra_cells": "more cells than the file has headings",
    "too_long": "a value longer than the register holds",
}


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " "))


def fact_field(fact: str, position) -> str:
    """The import field a fact's problem is filed under (the local authority column stands
    for the postcode when the file has no postcode)."""
    if fact == "postcode" and "postcode" not in position and "local_authority_code" in position:
        return "local_authority_code"
    return FACT_FIELDS.get(fact, "")


def by_column(failing, position, kind: str, hint: str = "") -> list[tuple[str, str, str]]:
    """(field, reason, kind) per column, the reasons on one column joined; `hint` after the
    last."""
    columns: dict[str, list[str]] = {}
    for fact, reason in failing:
        said = columns.setdefault(fact_field(fact, position), [])
        if reason not in said:
            said.append(reason)
    found = [(field, " ".join(reasons), kind) for field, reasons in columns.items()]
    if hint and found:
        field, reason, kind = found[-1]
        found[-1] = (field, f"{reason} {hint}", kind)
    return found


def no_constituency(rules, constituencies, key, details, position) -> list[tuple[str, str, str]]:
    """Why the person qualifies for no constituency. A reason every constituency gives (too
    young for all of them) is said once, under its column; otherwise one problem names each
    constituency and why not, under the one column they all turn on (or the whole row)."""
    per = [(c, rules.failing(c.id, key, details)) for c in constituencies.values()]
    if not per:
        return []
    shared = set.intersection(*(set(failing) for _, failing in per))
    if shared:
        first = [item for item in per[0][1] if item in shared]
        return by_column(first, position, "not_eligible")
    facts = {fact for _, failing in per for fact, _ in failing}
    field = fact_field(next(iter(facts)), position) if len(facts) == 1 else ""
    text = "qualifies for no constituency: " + "; ".join(
        f"{c.name}: {' '.join(reason for _, reason in failing)}" for c, failing in per
    )
    return [(field, text, "not_eligible")]
