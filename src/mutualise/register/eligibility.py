"""The register's side of eligibility: turn a member's stored details into the rulebook's
`ApplicantFacts`, and pick or check a constituency and class. The rules themselves live in
`mutualise.constitution.eligibility` and are not repeated here."""

from __future__ import annotations

from datetime import date

from mutualise.constitution.eligibility import (
    ApplicantFacts,
    assess,
    constituency_for,
    is_valid_postcode,
)

from .errors import MemberError, NotEligible


def facts_for(details: dict, on: date | None = None) -> ApplicantFacts:
    """The rulebook's view of a person. A staff contract that ended before `on` makes them no
    longer staff: the rulebook library has no end date of its own, so the register applies it."""
    is_staff = bool(details.get("is_staff"))
    ended = details.get("employment_end")
    if is_staff and ended is not None and on is not None and ended < on:
        is_staff = False
    return ApplicantFacts(
        date_of_birth=details.get("date_of_birth"),
        postcode=details.get("postcode") or None,
        local_authority_code=details.get("local_authority_code") or None,
        is_staff=is_staff,
        contract_fixed_term=details.get("contract_fixed_term"),
        contract_months=details.get("contract_months"),
        employment_start=details.get("employment_start"),
        last_service_use=details.get("last_service_use"),
        attestations=frozenset(details.get("attestations") or ()),
    )


def _known(constitution, constituency_id: str):
    try:
        return constitution.constituency(constituency_id)
    except KeyError:
        known = ", ".join(c.id for c in constitution.constituencies)
        raise MemberError(
            f"There is no constituency '{constituency_id}'; the constituencies are {known}.",
            field="constituency_id",
        ) from None


def check_details(
    constitution, details: dict, constituency_id: str | None, class_id: str, on: date
) -> tuple[str, str]:
    """The (constituency, class) the person may join on `on`, or NotEligible / MemberError.

    With no constituency given, the first in rulebook order that the person qualifies for.
    A constituency divided into classes needs a class.
    """
    postcode = details.get("postcode")
    if postcode and not is_valid_postcode(postcode):
        raise MemberError(
            f"'{postcode}' is not a valid UK postcode; enter it like SW1A 1AA.", field="postcode"
        )
    facts = facts_for(details, on)
    class_id = class_id or ""
    if class_id and not constituency_id:
        found = constitution.find_class(class_id)
        if found is None:
            raise MemberError(f"There is no class '{class_id}'.", field="class_id")
        constituency_id = found[0].id
    if not constituency_id:
        qualifying = constituency_for(constitution, facts, on)
        if not qualifying:
            reasons = [
                f"{c.name}: {reason}"
                for c in constitution.constituencies
                for reason in assess(constitution, c.id, facts, on).reasons
            ]
            raise NotEligible(reasons, field="constituency_id")
        constituency_id = qualifying[0]
    constituency = _known(constitution, constituency_id)
    class_ids = [k.id for k in constituency.classes]
    if class_ids and class_id not in class_ids:
        names = "; ".join(k.name for k in constituency.classes)
        raise MemberError(
            f"Choose which part of the {constituency.name.removesuffix(' constituency')} "
            f"constituency: {names}.",
            field="class_id",
        )
    if class_id and not class_ids:
        raise MemberError(
            f"The {constituency.name} constituency has no classes, so no class '{class_id}'.",
            field="class_id",
        )
    assessment = assess(constitution, class_id or constituency_id, facts, on)
    if not assessment.eligible:
        raise NotEligible(assessment.reasons, field="constituency_id")
    return constituency_id, class_id
