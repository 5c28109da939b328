"""General meetings: their kinds, quorum, requisitions, the AGM, resolutions, proxies."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from .kinds import Base, Combine
from .measures import Period, Threshold
from .types import Count, Days, PositiveCount, Proportion, SecrecyBatch, Slug, Strict

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


class MeetingKindRule(Strict):
    """A kind of meeting the rules provide for (`meetings.kinds`), and the notice it needs."""

    id: Slug
    name: str = Field(min_length=1)
    # The annual meeting: it reports on a financial year and the AGM's deadlines apply.
    annual: bool = False
    # Clear days' notice; None: the AGM's (an annual kind) or a general meeting's.
    notice_clear_days: Days | None = None
    # A meeting of the members (quorum and notice of members' meetings apply), not of a body.
    members: bool = True
    # What a sentence calls it ("AGM"); None: the name in lower case.
    short_name: str | None = Field(default=None, min_length=1)
    # The law or rule that requires the meeting, quoted beside findings about it.
    source: str | None = Field(default=None, min_length=1)

    def called(self) -> str:
        """The meeting as a sentence names it."""
        return self.short_name or self.name[:1].lower() + self.name[1:]


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
    # The kinds of meeting the rules provide for. A rulebook written before kinds were data
    # names none and gets the kinds its legal form and bodies imply (`Constitution.meeting_kinds`).
    kinds: tuple[MeetingKindRule, ...] = ()
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
    secrecy_batch: SecrecyBatch = 20
    # What a voter's receipt proves: that their ballot is counted ("inclusion"), or also what it
    # says ("contents"), which lets a voter prove their vote to a coercer or a buyer.
    receipts: Literal["inclusion", "contents"] = "inclusion"

    @model_validator(mode="after")
    def _kinds_once(self) -> Meetings:
        ids = [kind.id for kind in self.kinds]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"meeting kinds named twice: {', '.join(twice)}")
        return self
