"""Meeting arithmetic driven only by the rulebook: quorum, requisition, resolution thresholds,
notice and AGM deadlines. All shares are exact fractions; a percentage of members rounds UP
to whole members (25% of 10 members is 3 people, since 2 would be less than 25%)."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

from .calendar import add_months, clear_days_before, year_end_in
from .schema import (
    Base,
    Combine,
    Constitution,
    Meetings,
    Quorum,
    Requisition,
    ResolutionKind,
    Threshold,
    YearEnd,
)


def _members_for(fraction: Fraction, members: int) -> int:
    return math.ceil(fraction * members)


def _combine(values: list[int], combine: Combine | None) -> int:
    if len(values) == 1:
        return values[0]
    return max(values) if combine is Combine.GREATER else min(values)


def quorum_required(meeting_rules: Quorum | Meetings, members_count: int) -> int:
    """How many members must be present for the meeting to be quorate."""
    quorum = meeting_rules.quorum if isinstance(meeting_rules, Meetings) else meeting_rules
    if members_count < 0:
        raise ValueError(f"members_count must not be negative, got {members_count}")
    values = []
    if quorum.absolute is not None:
        values.append(quorum.absolute)
    if quorum.fraction is not None:
        values.append(_members_for(quorum.fraction, members_count))
    return _combine(values, quorum.combine)


def requisition_threshold(rules: Requisition | Meetings | None, members: int) -> int:
    """How many members' signatures a requisition for a general meeting needs."""
    requisition = rules.requisition if isinstance(rules, Meetings) else rules
    if requisition is None:
        raise ValueError("this rulebook gives members no right to requisition a meeting")
    if members < 0:
        raise ValueError(f"members must not be negative, got {members}")
    values = []
    if requisition.members_count is not None:
        values.append(requisition.members_count)
    if requisition.members_fraction is not None:
        values.append(_members_for(requisition.members_fraction, members))
    return _combine(values, requisition.combine)


_BASE_NOUNS = {
    Base.VOTES_CAST: "votes cast",
    Base.MEMBERS_PRESENT: "members present",
    Base.ALL_MEMBERS: "members",
}


def _percent_shown(part: int, whole: int) -> str:
    """For reading only: the decision itself is made on exact fractions."""
    if not whole:
        return "-"
    share = Fraction(part, whole) * 100
    return f"{share.numerator}%" if share.denominator == 1 else f"{float(round(share, 1)):g}%"


def resolution_passes(
    kind_rules: ResolutionKind,
    for_: int,
    against: int,
    abstain: int,
    members_present: int,
    members_total: int,
    votes_cast: int | None = None,
) -> tuple[bool, str]:
    """Whether a resolution of this kind is carried, and why, in plain words.

    `votes_cast` is the number of valid votes for or against (abstentions are not votes cast);
    it defaults to for_ + against and is also the turnout measured against all members.
    A confirming second meeting, if the kind needs one, is a separate vote on the
    `confirmation` rule; this function only judges the first vote.
    """
    counts = {"for_": for_, "against": against, "abstain": abstain}
    counts |= {"members_present": members_present, "members_total": members_total}
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value}")
    cast = for_ + against if votes_cast is None else votes_cast
    if cast < for_ + against:
        raise ValueError(f"votes_cast ({cast}) is fewer than for + against ({for_ + against})")
    whole = {
        Base.VOTES_CAST: cast,
        Base.MEMBERS_PRESENT: members_present,
        Base.ALL_MEMBERS: members_total,
    }[kind_rules.base]
    base = kind_rules.base
    tally = (
        f"{for_} of {whole} {_BASE_NOUNS[base]} were for ({_percent_shown(for_, whole)}); "
        f"needs {kind_rules.threshold} {base.words}."
    )
    if not kind_rules.threshold.met(for_, whole):
        reason = f"Not carried: {tally}"
        if for_ == against and for_:
            reason += " A tie is lost."
        return False, reason
    if kind_rules.turnout is not None and not kind_rules.turnout.met(cast, members_total):
        return False, (
            f"Not carried: {cast} of {members_total} members voted "
            f"({_percent_shown(cast, members_total)}); the turnout must be {kind_rules.turnout}."
        )
    reason = f"Carried: {tally}"
    if kind_rules.confirmation is not None:
        reason += " It must now be confirmed at a second meeting."
    return True, reason


def threshold_votes_needed(threshold: Threshold, whole: int) -> int:
    """The fewest votes for that meet the threshold out of `whole` (whole + 1 if none can)."""
    for votes in range(math.floor(threshold.fraction * whole), whole + 1):
        if threshold.met(votes, whole):
            return votes
    return whole + 1


def notice_deadline(meeting_date: date, notice_clear_days: int) -> date:
    """The last day notice of a meeting may be given."""
    return clear_days_before(meeting_date, notice_clear_days)


def agm_deadline(
    constitution: Constitution, financial_year: int, previous_agm: date | None = None
) -> date:
    """The last day the AGM after the financial year ending in `financial_year` may be held:
    the earlier of the rulebook's limits from the year end and from the previous AGM."""
    agm = constitution.meetings.agm
    year_end: YearEnd = constitution.organisation.financial_year_end
    limits = []
    if agm.within_months_of_year_end is not None:
        end = year_end_in(financial_year, year_end.day, year_end.month)
        limits.append(add_months(end, agm.within_months_of_year_end))
    if agm.within_months_of_previous is not None and previous_agm is not None:
        limits.append(add_months(previous_agm, agm.within_months_of_previous))
    if not limits:
        raise ValueError("the AGM deadline runs from the previous AGM: give previous_agm")
    return min(limits)
