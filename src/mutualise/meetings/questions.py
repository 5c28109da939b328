"""The questions pages ask of a meeting, a resolution, a requisition, a motion and the minutes,
answered from the states of `lifecycle.py` (issue 20, item 2: views ask the lifecycle, never state
strings). Each model takes its mixin, so a template reads `meeting.being_prepared`, not
`meeting.state == "draft"`; a change to what a state allows is made here, once.

Moves that change a state keep their guards in `lifecycle.py` (and `services`); these only say
which page, branch or button a state calls for.
"""

from __future__ import annotations

from .lifecycle import MeetingState, MinutesState, MotionState, RequisitionState, ResolutionState

_NOTICE_SENT = frozenset({MeetingState.CALLED, MeetingState.IN_SESSION})
_ATTENDANCE_OPEN = frozenset({MeetingState.CALLED, MeetingState.IN_SESSION, MeetingState.ADJOURNED})


class MeetingQuestions:
    state: str

    @property
    def being_prepared(self) -> bool:
        """Before notice: the agenda, date and place may change, members propose motions, and
        only those who may see drafts see the meeting."""
        return self.state == MeetingState.DRAFT

    @property
    def awaiting_opening(self) -> bool:
        """Notice given, not yet opened: a vote cast now is an advance vote."""
        return self.state == MeetingState.CALLED

    @property
    def in_session(self) -> bool:
        return self.state == MeetingState.IN_SESSION

    @property
    def has_closed(self) -> bool:
        """Closed: its minutes are kept now."""
        return self.state == MeetingState.CLOSED

    @property
    def notice_may_be_sent(self) -> bool:
        """The notice (to members by email or post) goes out once it is called, until it ends."""
        return self.state in _NOTICE_SENT

    @property
    def attendance_open(self) -> bool:
        """Members are checked in and out: from notice until it closes (adjourned included)."""
        return self.state in _ATTENDANCE_OPEN


class ResolutionQuestions:
    state: str

    @property
    def vote_is_open(self) -> bool:
        return self.state == ResolutionState.OPEN

    @property
    def result_declared(self) -> bool:
        return self.state == ResolutionState.DECLARED


class RequisitionQuestions:
    state: str

    @property
    def collecting_signatures(self) -> bool:
        """Still being signed: not yet submitted and counted."""
        return self.state == RequisitionState.COLLECTING


class MotionQuestions:
    state: str

    @property
    def awaits_decision(self) -> bool:
        """Submitted, not yet put on the agenda or turned down."""
        return self.state == MotionState.SUBMITTED

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour for its state (cosmetic)."""
        return {
            MotionState.ACCEPTED: "govuk-tag--green",
            MotionState.REJECTED: "govuk-tag--red",
        }.get(self.state, "")


class MinutesQuestions:
    state: str

    @property
    def open_to_edit(self) -> bool:
        """A draft: not yet approved as a true record."""
        return self.state == MinutesState.DRAFT

    @property
    def awaits_publishing(self) -> bool:
        """Approved as a true record, not yet published."""
        return self.state == MinutesState.APPROVED

    @property
    def is_published(self) -> bool:
        return self.state == MinutesState.PUBLISHED
