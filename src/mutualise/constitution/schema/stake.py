"""Shares, surplus, the asset lock, proposals and participatory budgets."""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    Field,
    model_validator,
)

from .kinds import AssetLockKind, Recipient, SurplusUse
from .measures import Period
from .types import Count, Days, Pence, PositiveCount, Proportion, Slug, Strict

# ---------------------------------------------------------------------------------------------
# Shares, surplus and asset lock


class InterestChoice(Strict):
    """Whether interest on shares is paid out or credited to the holding (CCBSA 2014 and most
    rules: "paid or credited as the member chooses"). The default applies to a member who has
    not chosen, and to every member where the rules give no choice."""

    members_may_choose: bool = False
    default: Literal["credit", "pay"] = "credit"


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
    # Payees of at least this much interest in an accounting period go on the return to HMRC
    # (ITA 2007 s.887 says GBP 15; in practice HMRC asks only for payees of GBP 250 or more).
    interest_return_threshold_pence: Pence = 25000
    # Time-bound offers that may open in any twelve months (Community Shares Handbook 4.5.9).
    time_bound_offers_a_year: PositiveCount = 1
    interest_cap: Proportion | None = None
    interest_policy: str = ""
    # Paid out or credited to the holding; a part that would pass the maximum holding, or of
    # a member who no longer holds shares, is paid out whatever was chosen.
    interest_choice: InterestChoice = Field(default_factory=InterestChoice)
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
    # The resolution kind (meetings.resolutions) a proposal routed to a general meeting is put
    # as; None: the first resolution kind (usually ordinary).
    resolution_kind: Slug | None = None
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
