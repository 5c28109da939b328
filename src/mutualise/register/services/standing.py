"""Re-checking the register against the rulebook's eligibility."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..errors import MemberError, manager_refusal, require
from ..importing import _Eligibility
from ..models import (
    Member,
    Organisation,
    StatusChange,
)
from ..queries import active_members, today
from .details import eligibility_reasons
from .members import cease

# ---------------------------------------------------------------------------------------------
# Re-checking eligibility


@dataclass(frozen=True)
class LostEligibility:
    member: Member
    reasons: list[str]
    suggested_reason: str  # a StatusChange.Reason for `confirm_ineligible`


def recheck_register(
    organisation: Organisation, on: date | None = None, *, actor=None
) -> list[LostEligibility]:
    """Every current member who no longer meets their constituency's rules on `on` (moved out
    of the area, staff contract ended, ...). Changes nothing: an officer confirms each one with
    `confirm_ineligible` (or corrects the member's details). Answers are memoised as for an
    import, so a large register is re-checked quickly. It reads every member's details: a
    signed-in actor must be the membership secretary or an administrator."""
    require("register.recheck_register", actor, organisation, manager_refusal(organisation))

    on = on or today()
    rules = _Eligibility(organisation.constitution, on)
    found = []
    current = active_members(organisation, on).order_by("number")
    for member in current.iterator(chunk_size=2000):
        member.organisation = organisation
        details = {
            "date_of_birth": member.date_of_birth,
            "postcode": member.postcode,
            "local_authority_code": member.local_authority_code,
            "is_staff": member.is_staff,
            "contract_fixed_term": member.contract_fixed_term,
            "contract_months": member.contract_months,
            "employment_start": member.employment_start,
            "employment_end": member.employment_end,
            "last_service_use": member.last_service_use,
            "attestations": frozenset(member.attestations or ()),
        }
        target = member.class_id or member.constituency_id
        reasons = rules.reasons(target, rules.key(details), details)
        if reasons:
            found.append(LostEligibility(member, list(reasons), _lost_reason(reasons)))
    return found


def _lost_reason(reasons: list[str]) -> str:
    moved = any("live in" in r or "postcode" in r for r in reasons)
    return (
        StatusChange.Reason.MOVED_OUT_OF_AREA if moved else StatusChange.Reason.NO_LONGER_ELIGIBLE
    )


def confirm_ineligible(member: Member, *, actor=None, on: date | None = None) -> Member:
    """An officer confirms a re-check finding: the membership ends, with the reason found."""
    on = on or today()
    reasons = eligibility_reasons(member, on)
    if not reasons:
        raise MemberError(f"member {member.number} is still eligible; nothing to confirm")
    return cease(member, _lost_reason(reasons), actor=actor, on=on, note=" ".join(reasons))
