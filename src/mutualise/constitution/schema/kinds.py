"""The rulebook's enumerations: legal forms, nations, kinds of constituency, body, seat, method, lock."""

from __future__ import annotations

from enum import StrEnum

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
# Even for these, `shares.votes: one-per-share` is refused (checks._shares): polls are counted
# one anonymous ballot per voter, never weighted by shares.
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

    @property
    def words(self) -> str:
        """What the threshold is a share of, for people: 'of the votes cast'."""
        return _BASE_WORDS[self]


_BASE_WORDS = {
    Base.VOTES_CAST: "of the votes cast",
    Base.MEMBERS_PRESENT: "of the members present",
    Base.ALL_MEMBERS: "of all members",
}


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
