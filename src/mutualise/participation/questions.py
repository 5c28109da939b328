"""The questions pages ask of a budget, a proposal and a delivery record, answered from the
states of `lifecycle.py` (issue 20, item 2: views ask the lifecycle, never state strings). The
models take these mixins, so a template reads `p.open_for_support`, not `p.state == "open"`.

The moves between states keep their guards in `lifecycle.py`; these only say which page,
branch, button or tag colour a state calls for.
"""

from __future__ import annotations

from mutualise.constitution.schema import ProposalRoute
from mutualise.meetings.lifecycle import MeetingState

from .lifecycle import BudgetState, ProposalState

# A budget's settings (pot, rule, ranks) are fixed once voting has opened.
EDITABLE_STATES = (BudgetState.DRAFT, BudgetState.PROPOSALS, BudgetState.REVIEW)
# Members see a budget once it is under way; a draft or a cancelled one only those who run it.
VISIBLE_BUDGETS = [
    s for s in BudgetState.values if s not in (BudgetState.DRAFT, BudgetState.CANCELLED)
]
_RESULTS_KNOWN = frozenset({BudgetState.RESULTS, BudgetState.DELIVERY})


class BudgetQuestions:
    state: str

    @property
    def settings_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def seen_by_members(self) -> bool:
        return self.state in VISIBLE_BUDGETS

    @property
    def taking_votes(self) -> bool:
        return self.state == BudgetState.VOTING

    @property
    def results_known(self) -> bool:
        """Counted: the results are published (and the funded projects being delivered)."""
        return self.state in _RESULTS_KNOWN

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour for its state (cosmetic)."""
        return "govuk-tag--green" if self.state == BudgetState.VOTING else ""


class ProposalQuestions:
    state: str
    route: str

    @property
    def open_for_support(self) -> bool:
        return self.state == ProposalState.OPEN

    @property
    def put_to_a_meeting(self) -> bool:
        """Sent on by the rulebook to a general meeting (see services/to_meeting.py)."""
        return self.state == ProposalState.ROUTED and self.route == ProposalRoute.GENERAL_MEETING

    @property
    def on_an_agenda(self) -> bool:
        """Its resolution stands on a meeting's agenda, one not cancelled."""
        resolution = self.resolution
        return resolution is not None and resolution.meeting.state != MeetingState.CANCELLED

    @property
    def is_hidden(self) -> bool:
        """Hidden by a moderator: only its proposer sees it, with the reason."""
        return self.state == ProposalState.HIDDEN

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour for its state (cosmetic)."""
        return {
            ProposalState.ROUTED: "govuk-tag--green",
            ProposalState.EXPIRED: "govuk-tag--grey",
        }.get(self.state, "")


class DeliveryQuestions:
    status: str
    Status: type  # Delivery.Status

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour for its status (cosmetic)."""
        return {
            self.Status.DONE: "govuk-tag--green",
            self.Status.DROPPED: "govuk-tag--red",
            self.Status.UNDER_WAY: "govuk-tag--blue",
        }.get(self.status, "govuk-tag--grey")
