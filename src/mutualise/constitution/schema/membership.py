"""The organisation, its membership and constituencies, and who is eligible."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from ..postcodes import is_valid_area_prefix
from .kinds import ConstituencyKind, LegalForm, Nation
from .measures import YearEnd
from .types import Count, PositiveCount, Proportion, Slug, Strict

# ---------------------------------------------------------------------------------------------
# Organisation and membership


class Organisation(Strict):
    name: str = Field(min_length=1)
    legal_form: LegalForm
    financial_year_end: YearEnd
    purpose: str = Field(min_length=1)
    nation: Nation = Nation.ENGLAND_AND_WALES


class Membership(Strict):
    minimum_members: PositiveCount | None = None
    # A person belongs to one constituency at a time (NHS FTs, most multi-stakeholder co-ops).
    one_constituency_only: bool = True
    # Members below this age may join but not vote (building societies: minors).
    voting_minimum_age: Count | None = None
    # Building societies: to vote, a member at the end of the last financial year and on the day.
    vote_requires_membership_at_year_end: bool = False
    admission_by_board: bool = True
    # A group is under-represented when its share of members over its share of the population
    # is below this (NHS foundation trusts report it; None: not checked).
    representation_threshold: Proportion | None = None
    # Details a member changes for themselves that wait for the membership secretary to
    # confirm them (an address can move a member's constituency; a name or email can be a
    # takeover). Empty: a member's own changes take effect at once.
    secretary_confirms: tuple[Literal["name", "address", "email"], ...] = ()


class Attestation(Strict):
    id: Slug
    text: str = Field(min_length=1)


class AreaRule(Strict):
    """Lives (or works) in one of these areas; either list may match."""

    postcode_districts: tuple[str, ...] = ()
    local_authority_codes: tuple[str, ...] = ()
    description: str = ""

    @model_validator(mode="after")
    def _some_area(self) -> AreaRule:
        if not self.postcode_districts and not self.local_authority_codes:
            raise ValueError("an area needs postcode_districts or local_authority_codes")
        for code in self.local_authority_codes:
            if not re.fullmatch(r"[ENSW]\d{8}", code):
                raise ValueError(
                    f"local authority code {code!r} is not an ONS code such as E08000021"
                )
        for prefix in self.postcode_districts:
            if not is_valid_area_prefix(prefix):
                raise ValueError(
                    f"{prefix!r} is not a postcode district or sector such as 'NE1' or 'NE1 4'"
                )
        return self


class StaffRule(Strict):
    """Staff qualify by an open-ended contract, a long enough fixed term, or long enough service."""

    open_ended_contract_qualifies: bool = True
    minimum_fixed_term_months: PositiveCount | None = None
    minimum_service_months: PositiveCount | None = None


class ServiceUseRule(Strict):
    within_months: PositiveCount
    description: str = "used the service"


class Eligibility(Strict):
    minimum_age: Count | None = None
    area: AreaRule | None = None
    staff: StaffRule | None = None
    excludes_staff: bool = False
    service_use: ServiceUseRule | None = None
    attestations: tuple[Attestation, ...] = ()


class ConstituencyClass(Strict):
    """A division of a constituency (e.g. a staff class) with its own seats."""

    id: Slug
    name: str = Field(min_length=1)
    attestations: tuple[Attestation, ...] = ()


class Constituency(Strict):
    id: Slug
    name: str = Field(min_length=1)
    kind: ConstituencyKind
    eligibility: Eligibility = Eligibility()
    classes: tuple[ConstituencyClass, ...] = ()
