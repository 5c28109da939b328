"""The rulebook as data: pydantic models for an organisation's constitution.

Every number a governance rule needs (notice, quorum, thresholds, seats, terms, share limits,
eligibility) is a field here, so that the rulebook, not the code, decides. Field-level checks
live on the models; checks that span several parts of the rulebook live in `checks.py`.
"""

from __future__ import annotations

import math
import re
from datetime import date, time
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

SCHEMA_VERSION = 1

# The electorate of seats elected by every member, whatever their constituency.
ALL_MEMBERS = "all-members"

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


class NotFound(KeyError):
    """An unknown id or model slug; a KeyError whose text reads cleanly when printed."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class Strict(BaseModel):
    """Unknown fields are errors (a typo must not silently drop a rule); values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=63),
]
Days = Annotated[int, Field(ge=0, strict=True)]
Months = Annotated[int, Field(ge=0, strict=True)]
Count = Annotated[int, Field(ge=0, strict=True)]
Pence = Annotated[int, Field(ge=0, strict=True)]
PositiveCount = Annotated[int, Field(ge=1, strict=True)]


def _time_of_day(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 17:00 as the base-60 number 1020.
    if isinstance(value, int) and not isinstance(value, bool):
        hours, minutes = divmod(value, 60)
        raise ValueError(f"write times in quotes, e.g. '{hours:02d}:{minutes:02d}'")
    return value


TimeOfDay = Annotated[time, BeforeValidator(_time_of_day)]


_FRACTION_WORDS = {
    "half": Fraction(1, 2),
    "a half": Fraction(1, 2),
    "one half": Fraction(1, 2),
    "a third": Fraction(1, 3),
    "one third": Fraction(1, 3),
    "two thirds": Fraction(2, 3),
    "a quarter": Fraction(1, 4),
    "one quarter": Fraction(1, 4),
    "three quarters": Fraction(3, 4),
}


def parse_fraction(value: Any) -> Fraction:
    """Exact fractions from '3/4', '75%', 0.75 or 1; floats are read by their decimal text."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected a fraction such as 3/4 or 75%, got {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _FRACTION_WORDS:
            return _FRACTION_WORDS[text.lower()]
        try:
            if text.endswith("%"):
                return Fraction(text[:-1].strip()) / 100
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            pass
    raise ValueError(f"expected a fraction such as 3/4 or 75%, got {value!r}")


def parse_proportion(value: Any) -> Fraction:
    fraction = parse_fraction(value)
    if not 0 < fraction <= 1:
        raise ValueError(f"expected a fraction above 0 and at most 1, got {value!r}")
    return fraction


def _fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


_FractionJson = WithJsonSchema({"type": "string", "examples": ["3/4", "75%"]})
ExactFraction = Annotated[
    Fraction, PlainValidator(parse_fraction), PlainSerializer(_fraction_text), _FractionJson
]
Proportion = Annotated[
    Fraction, PlainValidator(parse_proportion), PlainSerializer(_fraction_text), _FractionJson
]


def percent(value: Fraction) -> str:
    """'75%', '10%', or '2/3' when the percentage is not whole."""
    hundred = value * 100
    if hundred.denominator == 1:
        return f"{hundred.numerator}%"
    return _fraction_text(value)


# ---------------------------------------------------------------------------------------------
# Vocabularies


class LegalForm(StrEnum):
    NHS_FOUNDATION_TRUST = "nhs-foundation-trust"
    CO_OPERATIVE_SOCIETY = "co-operative-society"
    COMMUNITY_BENEFIT_SOCIETY = "community-benefit-society"
    COMMUNITY_INTEREST_COMPANY = "community-interest-company"
    COMPANY_LIMITED_BY_GUARANTEE = "company-limited-by-guarantee"
    COMPANY_LIMITED_BY_SHARES = "company-limited-by-shares"
    CREDIT_UNION = "credit-union"
    BUILDING_SOCIETY = "building-society"
    UNINCORPORATED_ASSOCIATION = "unincorporated-association"


# Forms whose statute lets votes follow shareholding; everyone else is one member one vote.
SHARE_VOTING_FORMS = frozenset({LegalForm.COMPANY_LIMITED_BY_SHARES})


class Nation(StrEnum):
    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


class ConstituencyKind(StrEnum):
    PUBLIC = "public"
    STAFF = "staff"
    PATIENT = "patient"
    CARER = "carer"
    SERVICE_USER = "service-user"
    MEMBER = "member"
    RESIDENT = "resident"
    PARENT = "parent"
    LEARNER = "learner"
    COMMUNITY = "community"
    SUPPORTER = "supporter"
    TENANT = "tenant"
    INVESTOR = "investor"
    CONSUMER = "consumer"
    PARTNER = "partner"
    SHAREHOLDING = "shareholding"
    BORROWING = "borrowing"


class BodyKind(StrEnum):
    BOARD = "board"
    COUNCIL_OF_GOVERNORS = "council-of-governors"
    PARTNERSHIP_COUNCIL = "partnership-council"
    FORUM = "forum"
    TRUSTEES = "trustees"
    COMMITTEE = "committee"
    GOVERNING_BODY = "governing-body"


class AppointerKind(StrEnum):
    LOCAL_AUTHORITY = "local-authority"
    PARTNER_ORGANISATION = "partner-organisation"
    UNIVERSITY = "university"
    CHAIR = "chair"
    TRUST = "trust"
    SPONSOR = "sponsor"
    OTHER = "other"


class SeatFill(StrEnum):
    ELECTED = "elected"
    APPOINTED = "appointed"
    EX_OFFICIO = "ex-officio"
    CO_OPTED = "co-opted"


class ElectionMethod(StrEnum):
    """Slugs of the counting library's registry."""

    SCOTTISH_STV = "scottish-stv"
    ERS97_STV = "ers97-stv"
    NHS_MER_STV = "nhs-mer-stv"
    MEEK_STV = "meek-stv"
    WIGM_STV = "wigm-stv"
    FPTP = "fptp"
    APPROVAL = "approval"
    IRV = "irv"
    REFERENDUM = "referendum"


class DayKind(StrEnum):
    WORKING = "working"
    CLEAR = "clear"
    CALENDAR = "calendar"


class NonWorkingDay(StrEnum):
    WEEKENDS = "weekends"
    BANK_HOLIDAYS = "bank-holidays"
    CHRISTMAS_EVE = "christmas-eve"
    CHRISTMAS_DAY = "christmas-day"
    GOOD_FRIDAY = "good-friday"


class Base(StrEnum):
    VOTES_CAST = "votes-cast"
    MEMBERS_PRESENT = "members-present"
    ALL_MEMBERS = "all-members"


class Combine(StrEnum):
    GREATER = "greater"
    LESSER = "lesser"


class SurplusUse(StrEnum):
    RESERVES = "reserves"
    INTEREST_ON_SHARES = "interest-on-shares"
    PATRONAGE_DIVIDEND = "patronage-dividend"
    EQUAL_PERCENTAGE_OF_PAY = "equal-percentage-of-pay"
    COMMUNITY_PURPOSES = "community-purposes"
    DIVIDEND = "dividend"


# Uses of surplus that hand profit to members; an asset lock forbids them (CIC: capped dividend).
MEMBER_DISTRIBUTIONS = frozenset(
    {SurplusUse.PATRONAGE_DIVIDEND, SurplusUse.EQUAL_PERCENTAGE_OF_PAY, SurplusUse.DIVIDEND}
)


class AssetLockKind(StrEnum):
    NONE = "none"
    CBS_STATUTORY = "cbs-statutory"
    CIC = "cic"
    RULES = "rules"


class Recipient(StrEnum):
    ASSET_LOCKED_SOCIETY = "asset-locked-society"
    COMMUNITY_INTEREST_COMPANY = "community-interest-company"
    REGISTERED_SOCIAL_LANDLORD = "registered-social-landlord"
    CHARITY = "charity"
    COMMUNITY_BENEFIT = "community-benefit"
    CO_OPERATIVE_BODY = "co-operative-body"


# Who a statutory lock lets assets pass to (SI 2006/264 for societies; the CIC Regulations):
# community benefit, or another asset-locked body. Rules-based locks choose their own.
_LOCKED_BODIES = frozenset(
    {
        Recipient.COMMUNITY_BENEFIT,
        Recipient.ASSET_LOCKED_SOCIETY,
        Recipient.COMMUNITY_INTEREST_COMPANY,
        Recipient.REGISTERED_SOCIAL_LANDLORD,
        Recipient.CHARITY,
    }
)
LOCK_RECIPIENTS = {
    AssetLockKind.CBS_STATUTORY: _LOCKED_BODIES,
    AssetLockKind.CIC: _LOCKED_BODIES,
}

LOCK_FORMS = {
    AssetLockKind.CBS_STATUTORY: {LegalForm.COMMUNITY_BENEFIT_SOCIETY},
    AssetLockKind.CIC: {LegalForm.COMMUNITY_INTEREST_COMPANY},
}


# ---------------------------------------------------------------------------------------------
# Small value types


class YearEnd(Strict):
    """A day of the year, written in YAML as '31 March'."""

    day: int = Field(ge=1, le=31)
    month: int = Field(ge=1, le=12)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d{1,2})\s+([A-Za-z]+)\s*", value)
            if not match or match.group(2).lower() not in MONTHS:
                raise ValueError(f"expected a day and month such as '31 March', got {value!r}")
            return {"day": int(match.group(1)), "month": MONTHS.index(match.group(2).lower()) + 1}
        if not isinstance(value, dict | BaseModel):
            raise ValueError(f"expected a day and month such as '31 March', got {value!r}")
        return value

    @model_validator(mode="after")
    def _real_day(self) -> YearEnd:
        date(2024, self.month, self.day)  # a leap year, so 29 February is allowed
        return self

    def __str__(self) -> str:
        return f"{self.day} {MONTHS[self.month - 1].capitalize()}"

    def in_year(self, year: int) -> date:
        if (self.month, self.day) == (2, 29):
            try:
                return date(year, 2, 29)
            except ValueError:
                return date(year, 2, 28)
        return date(year, self.month, self.day)


class Period(Strict):
    """A length of time written in YAML as '6 weeks', '1 month' or '28 days'."""

    amount: Count
    unit: Literal["days", "weeks", "months", "years"]

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d+)\s+(day|week|month|year)s?\s*", value)
            if not match:
                raise ValueError(f"expected a period such as '28 days' or '1 month', got {value!r}")
            return {"amount": int(match.group(1)), "unit": match.group(2) + "s"}
        if not isinstance(value, dict | BaseModel):
            raise ValueError(f"expected a period such as '28 days' or '1 month', got {value!r}")
        return value

    def __str__(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"


class Threshold(Strict):
    """'at least 3/4' (inclusive) versus 'more than 1/2' (not inclusive)."""

    fraction: Proportion
    inclusive: bool

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        # 'at least 3/4' and 'more than 1/2' read as the rule books print them.
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(at least|more than)\s+(.+?)\s*", value)
            if not match:
                raise ValueError(
                    f"expected 'at least 3/4', 'more than 1/2' or "
                    f"{{fraction: 3/4, inclusive: true}}, got {value!r}"
                )
            return {"fraction": match.group(2), "inclusive": match.group(1) == "at least"}
        if not isinstance(value, dict | BaseModel):
            raise ValueError(
                f"expected 'at least 3/4', 'more than 1/2' or "
                f"{{fraction: 3/4, inclusive: true}}, got {value!r}"
            )
        return value

    def met(self, part: int, whole: int) -> bool:
        if whole <= 0:
            return False
        share = Fraction(part, whole)
        return share >= self.fraction if self.inclusive else share > self.fraction

    def __str__(self) -> str:
        return ("at least " if self.inclusive else "more than ") + percent(self.fraction)


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
        from .postcodes import is_valid_area_prefix

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


# ---------------------------------------------------------------------------------------------
# Bodies and seats


class Appointer(Strict):
    id: Slug
    name: str = Field(min_length=1)
    kind: AppointerKind


class Term(Strict):
    years: PositiveCount
    max_terms: PositiveCount | None = None
    max_years: PositiveCount | None = None
    re_election_allowed: bool = True


class SeatGroup(Strict):
    """Seats filled the same way: elected by a constituency, class or body, appointed, ..."""

    id: Slug
    name: str = ""
    seats: PositiveCount
    filled_by: SeatFill
    electorate: Slug | None = None  # a constituency, class or body id (elected seats)
    appointer: Slug | None = None  # an appointer or body id (appointed seats)
    office: str | None = None  # the office held (ex-officio seats)
    term: Term | None = None  # overrides the body's term
    until_next_agm: bool = False  # co-opted seats that lapse at the next AGM


class SeatSelector(Strict):
    constituency_kind: ConstituencyKind | None = None
    electorate: Slug | None = None
    filled_by: SeatFill | None = None
    appointer_kind: AppointerKind | None = None
    appointer: Slug | None = None


class CompositionRule(Strict):
    """A rule on the make-up of a body, checked against its seats when the rulebook loads."""

    description: str = Field(min_length=1)
    seats: SeatSelector = SeatSelector()
    at_least: Count | None = None
    at_most: Count | None = None
    share: Threshold | None = None  # of all the body's seats
    share_at_most: Proportion | None = None  # e.g. 1/2: no more than half the seats
    one_per_class_of: Slug | None = None  # a constituency each of whose classes needs a seat


class Rotation(Strict):
    """Retirement by rotation, e.g. one third at each AGM, longest-serving first, ties by lot."""

    fraction: Proportion
    at: Literal["agm"] = "agm"
    rounding: Literal["nearest", "up", "down"] = "nearest"
    order: Literal["longest-serving-first"] = "longest-serving-first"
    ties: Literal["lot", "agreement-then-lot"] = "lot"

    def retiring(self, elected_members: int) -> int:
        """How many of `elected_members` retire at the next AGM ('nearest' rounds halves up)."""
        share = self.fraction * elected_members
        if self.rounding == "up":
            return math.ceil(share)
        if self.rounding == "down":
            return math.floor(share)
        return math.floor(share + Fraction(1, 2))


class Office(Strict):
    """An office of a body (its chair, vice-chair, secretary) and how its holder is chosen:
    elected by the body itself or by a constituency, or appointed by an appointer or body."""

    id: Slug
    name: str = Field(min_length=1)
    filled_by: SeatFill
    electorate: Slug | None = None  # the body itself, another body, or a constituency
    appointer: Slug | None = None
    holders: PositiveCount = 1


class Body(Strict):
    id: Slug
    name: str = Field(min_length=1)
    kind: BodyKind
    total_seats: PositiveCount | None = None
    seats: tuple[SeatGroup, ...] = Field(min_length=1)
    term: Term
    rotation: Rotation | None = None
    composition: tuple[CompositionRule, ...] = ()
    member_minimum_age: Count | None = None
    meets_at_least_per_year: Count | None = None
    election_method: ElectionMethod | None = None  # overrides elections.method
    disqualifications: tuple[str, ...] = ()
    offices: tuple[Office, ...] = ()  # none listed: the rulebook says nothing on its offices

    @property
    def seat_count(self) -> int:
        return sum(group.seats for group in self.seats)


# ---------------------------------------------------------------------------------------------
# Elections


class Timetable(Strict):
    """Deadlines counted back from the close of poll, in `day_kind` days."""

    day_kind: DayKind
    notice_of_election: PositiveCount
    nominations_close: PositiveCount
    statement_of_nominations: PositiveCount | None = None
    withdrawals_close: PositiveCount | None = None
    notice_of_poll: PositiveCount | None = None
    deadline_time: TimeOfDay = time(17, 0)
    poll_closes_at: TimeOfDay = time(17, 0)
    non_working_days: tuple[NonWorkingDay, ...] = (
        NonWorkingDay.WEEKENDS,
        NonWorkingDay.BANK_HOLIDAYS,
    )


class Nominations(Strict):
    proposers: Count = 0
    seconders: Count = 0
    proposers_from_electorate: bool = True
    statement_word_limit: PositiveCount | None = None
    candidate_from_electorate: bool = True


class Elections(Strict):
    method: ElectionMethod
    method_options: dict[str, str | int | bool] = {}
    timetable: Timetable
    nominations: Nominations = Nominations()
    when_uncontested: Literal["declare-elected", "hold-approval-vote", "reopen-nominations"]
    unfilled_seats: Literal["left-vacant", "co-opted", "reopen-nominations"] = "left-vacant"
    ties: Literal["lot", "chair-casting-vote"] = "lot"
    channels: tuple[Literal["postal", "internet", "telephone", "text", "in-person"], ...] = (
        "in-person",
    )
    independent_returning_officer: bool = False
    # Roles a returning officer may not also hold for the election to be run by them: they are
    # refused every returning officer's action (roll, codes, poll cards, paper ballots, steps).
    returning_officer_excludes: tuple[
        Literal["officer", "board", "chair", "administrator"], ...
    ] = ("officer",)
    # Ballot secrecy (docs/secrecy.md): ballots are mixed in shuffled batches of at least this
    # many, so no copy of the database links a ballot to its voter better than chance among K.
    secrecy_batch: PositiveCount = 20
    # What a voter's receipt proves: that their ballot is in the count ("inclusion"), or also
    # what it says ("contents"), which lets a voter prove their vote to a coercer or a buyer.
    receipts: Literal["inclusion", "contents"] = "inclusion"


# ---------------------------------------------------------------------------------------------
# Meetings


class Quorum(Strict):
    absolute: PositiveCount | None = None
    fraction: Proportion | None = None
    combine: Combine | None = None  # needed when both are given

    @model_validator(mode="after")
    def _shape(self) -> Quorum:
        if self.absolute is None and self.fraction is None:
            raise ValueError("a quorum needs an absolute number, a fraction, or both")
        if self.absolute is not None and self.fraction is not None and self.combine is None:
            raise ValueError("with both absolute and fraction, say combine: greater or lesser")
        return self


class Requisition(Strict):
    """Members who may demand a general meeting, and how fast it must follow."""

    members_fraction: Proportion | None = None
    members_count: PositiveCount | None = None
    combine: Combine | None = None
    board_convenes_within: Period | None = None
    meeting_within: Period | None = None
    otherwise_convened_by_members: PositiveCount | None = None

    @model_validator(mode="after")
    def _shape(self) -> Requisition:
        if self.members_fraction is None and self.members_count is None:
            raise ValueError("a requisition needs members_fraction, members_count, or both")
        if (
            self.members_fraction is not None
            and self.members_count is not None
            and self.combine is None
        ):
            raise ValueError("with both members_fraction and members_count, say combine")
        return self


class AGM(Strict):
    within_months_of_year_end: PositiveCount | None = None
    within_months_of_previous: PositiveCount | None = None
    notice_clear_days: Days
    open_to_public: bool = False

    @model_validator(mode="after")
    def _deadline(self) -> AGM:
        if self.within_months_of_year_end is None and self.within_months_of_previous is None:
            raise ValueError(
                "the AGM needs within_months_of_year_end, within_months_of_previous, or both"
            )
        return self


class GeneralMeeting(Strict):
    notice_clear_days: Days
    # e.g. 90% of members may agree in writing to shorter notice.
    shorter_notice_consent: Threshold | None = None


class Confirmation(Strict):
    """A second meeting that must confirm the resolution."""

    threshold: Threshold
    base: Base
    after_days_at_least: Days | None = None
    after_days_at_most: Days | None = None


class ResolutionKind(Strict):
    id: Slug
    name: str = Field(min_length=1)
    threshold: Threshold
    base: Base
    turnout: Threshold | None = None  # share of all members who must vote
    confirmation: Confirmation | None = None
    used_for: tuple[str, ...] = ()
    file_with_regulator_within_days: Days | None = None


class Proxies(Strict):
    allowed: bool
    proxy_must_be_member: bool = True
    lodge_hours_before: Count | None = None
    # The rules may not require proxies earlier than this many days before the meeting.
    earliest_required_days_before: Count | None = None
    max_per_proxy: PositiveCount | None = None


class Meetings(Strict):
    agm: AGM
    general: GeneralMeeting
    requisition: Requisition | None = None  # None: members cannot requisition a meeting
    quorum: Quorum
    quorum_inquorate: Literal["adjourn", "adjourn-then-present-are-quorum", "dissolve"] = "adjourn"
    resolutions: tuple[ResolutionKind, ...] = Field(min_length=1)
    proxies: Proxies = Proxies(allowed=False)
    chair_casting_vote: bool = False
    ballot_demanded_by: PositiveCount | None = None
    member_resolution_statement_words: PositiveCount | None = None
    # Secret polls (docs/secrecy-meeting-polls.md): ballots are mixed in shuffled batches of at
    # least this many, so no copy of the database links a ballot to its voter better than chance
    # among K; a poll with fewer voters is mixed as one batch at the declaration.
    secrecy_batch: PositiveCount = 20
    # What a voter's receipt proves: that their ballot is counted ("inclusion"), or also what it
    # says ("contents"), which lets a voter prove their vote to a coercer or a buyer.
    receipts: Literal["inclusion", "contents"] = "inclusion"


# ---------------------------------------------------------------------------------------------
# Shares, surplus and asset lock


class Shares(Strict):
    nominal_value_pence: Annotated[int, Field(ge=1, strict=True)]
    minimum_holding_pence: Pence
    maximum_holding_pence: Pence | None = None
    withdrawable: bool
    transferable: bool
    withdrawal_notice: Period | None = None
    moratorium: Period | None = None
    board_may_suspend_withdrawals: bool = False
    # The most of the share capital (at the year's start) that may be withdrawn in one financial
    # year; requests beyond it wait, scaled pro rata, for the next year (e.g. 10%).
    withdrawal_yearly_limit: Proportion | None = None
    # Nominations on death are valid only up to this much property (CCBSA 2014 s.37: GBP 5,000).
    nomination_limit_pence: Pence | None = None
    certificates: bool = False  # the rules issue a share certificate on allotment
    # Time-bound offers that may open in any twelve months (Community Shares Handbook 4.5.9).
    time_bound_offers_a_year: PositiveCount = 1
    interest_cap: Proportion | None = None
    interest_policy: str = ""
    votes: Literal["one-member-one-vote", "one-per-share"] = "one-member-one-vote"


class SurplusShare(Strict):
    use: SurplusUse
    at_most: Proportion | None = None
    note: str = ""


class Surplus(Strict):
    allocation: tuple[SurplusShare, ...] = Field(min_length=1)
    dividend_cap: Proportion | None = None  # of distributable profits (CIC)
    # The resolution kind (meetings.resolutions) that approves an allocation, or "board" where
    # the rules leave it to the board; None: the first resolution kind (usually ordinary).
    approved_by: Slug | None = None


class AssetLock(Strict):
    kind: AssetLockKind
    permitted_recipients: tuple[Recipient, ...] = ()
    removable: bool = True
    note: str = ""


# ---------------------------------------------------------------------------------------------
# Participation: members' proposals and participatory budgets


class ProposalRoute(StrEnum):
    BOARD = "board"  # the board must consider it and answer
    GENERAL_MEETING = "general-meeting"  # it goes to the next general meeting as a resolution
    BUDGET = "budget"  # it becomes a project in the next participatory budget


class Proposals(Strict):
    """Members propose; a proposal that enough members support within the time limit goes
    where the rulebook says. The threshold is a number of supporters or, if `support_share` is
    set, that share of the members (whichever the rulebook gives; a share wins if both)."""

    enabled: bool = True
    support_needed: PositiveCount = 50
    support_share: Proportion | None = None
    time_limit_days: Annotated[int, Field(ge=1, strict=True)] = 90
    route: ProposalRoute = ProposalRoute.BOARD
    # Reasons a moderator may give for hiding a proposal (each hiding is audited).
    moderation_reasons: tuple[str, ...] = (
        "not about the organisation's purposes",
        "offensive or abusive",
        "a duplicate of another proposal",
        "unlawful or defamatory",
        "contains someone's personal data",
    )

    def threshold(self, members: int) -> int:
        """Supporters needed when the organisation has `members` members."""
        if self.support_share is None:
            return self.support_needed
        return max(1, math.ceil(self.support_share * members))


class BudgetRule(StrEnum):
    GREEDY = "greedy"  # by votes, skipping what no longer fits (most cities' rule)
    EQUAL_SHARES = "mes"  # the Method of Equal Shares with cost utilities
    EQUAL_SHARES_ADD1 = "mes-add1"  # pabulib's equalshares/add1


class BudgetBallotKind(StrEnum):
    APPROVAL = "approval"
    CUMULATIVE = "cumulative"
    SCORING = "scoring"
    ORDINAL = "ordinal"


class Budgets(Strict):
    """Defaults for a participatory budget; each budget may narrow its eligibility."""

    rule: BudgetRule = BudgetRule.EQUAL_SHARES_ADD1
    greedy_completion: bool = False  # after equal shares, fund by votes what still fits
    ballot: BudgetBallotKind = BudgetBallotKind.APPROVAL
    min_projects: Count = 0  # approval: at least this many projects on a ballot
    max_projects: PositiveCount | None = None  # approval, ordinal: at most this many
    spending_limit: bool = False  # approval: the chosen projects may not cost more than the pot
    points: PositiveCount = 10  # cumulative: points each voter shares out
    max_score: PositiveCount = 5  # scoring: each project scored 0..max_score
    ranks: PositiveCount = 3  # ordinal: projects ranked
    minimum_age: Count | None = None  # besides the register's own eligibility
    review_days: Days = 14
    voting_days: Annotated[int, Field(ge=1, strict=True)] = 14

    @model_validator(mode="after")
    def _equal_shares_needs_approval(self) -> Budgets:
        if self.rule != BudgetRule.GREEDY and self.ballot != BudgetBallotKind.APPROVAL:
            raise ValueError(
                f"rule {self.rule.value} counts approval ballots; use ballot: approval or "
                "rule: greedy"
            )
        if self.max_projects is not None and self.max_projects < self.min_projects:
            raise ValueError("max_projects is less than min_projects")
        return self


class Participation(Strict):
    proposals: Proposals = Proposals()
    budgets: Budgets = Budgets()


# ---------------------------------------------------------------------------------------------


class Constitution(Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    organisation: Organisation
    membership: Membership = Membership()
    constituencies: tuple[Constituency, ...] = Field(min_length=1)
    appointers: tuple[Appointer, ...] = ()
    bodies: tuple[Body, ...] = Field(min_length=1)
    elections: Elections
    meetings: Meetings
    shares: Shares | None = None
    surplus: Surplus
    asset_lock: AssetLock
    participation: Participation = Participation()

    def constituency(self, ident: str) -> Constituency:
        for constituency in self.constituencies:
            if constituency.id == ident:
                return constituency
        known = ", ".join(c.id for c in self.constituencies)
        raise NotFound(f"no constituency {ident!r}; known: {known}")

    def body(self, ident: str) -> Body:
        for body in self.bodies:
            if body.id == ident:
                return body
        known = ", ".join(b.id for b in self.bodies)
        raise NotFound(f"no body {ident!r}; known: {known}")

    def resolution(self, ident: str) -> ResolutionKind:
        for kind in self.meetings.resolutions:
            if kind.id == ident:
                return kind
        known = ", ".join(r.id for r in self.meetings.resolutions)
        raise NotFound(f"no resolution kind {ident!r}; known: {known}")

    def find_class(self, ident: str) -> tuple[Constituency, ConstituencyClass] | None:
        for constituency in self.constituencies:
            for klass in constituency.classes:
                if klass.id == ident:
                    return constituency, klass
        return None
