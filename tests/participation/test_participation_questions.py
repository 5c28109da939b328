"""The questions participation pages ask (participation/questions.py) answer, for every state,
what the pages decided from state strings before (issue 20, item 2)."""

from mutualise.participation import lifecycle
from mutualise.participation.facts import proposal_facts
from mutualise.participation.lifecycle import BudgetState, ProposalState
from mutualise.participation.models import Budget, Delivery, Proposal

BUDGET = {
    "settings_editable": {"draft", "proposals", "review"},
    "seen_by_members": set(BudgetState.values) - {"draft", "cancelled"},
    "taking_votes": {"voting"},
    "results_known": {"results", "delivery"},
}
PROPOSAL = {"open_for_support": {"open"}, "is_hidden": {"hidden"}}


def test_each_budget_question_is_true_in_exactly_the_states_the_pages_compared():
    for state in BudgetState.values:
        budget = Budget(state=state)
        for question, true_in in BUDGET.items():
            assert getattr(budget, question) is (state in true_in), (question, state)
        assert budget.tag_class == ("govuk-tag--green" if state == "voting" else "")


def test_each_proposal_question_is_true_in_exactly_the_states_the_pages_compared():
    colours = {"routed": "govuk-tag--green", "expired": "govuk-tag--grey"}
    for state in ProposalState.values:
        proposal = Proposal(state=state)
        for question, true_in in PROPOSAL.items():
            assert getattr(proposal, question) is (state in true_in), (question, state)
        assert proposal.tag_class == colours.get(state, "")


def test_a_proposal_may_be_hidden_in_the_states_the_moderation_page_offered_it():
    """The page asks the lifecycle's `hide` transition; it offered open, routed and expired."""
    hide = lifecycle.BY_NAME["proposal.hide"]
    for state in ProposalState.values:
        proposal = Proposal(state=state, supporters=0, threshold=1)
        allowed = lifecycle.check(hide, proposal_facts(proposal))[0]
        assert allowed is (state in {"open", "routed", "expired"}), state


def test_a_delivery_records_tag_colour_follows_its_status():
    colours = {"done": "green", "dropped": "red", "under_way": "blue", "not_started": "grey"}
    for status, colour in colours.items():
        assert Delivery(status=status).tag_class == f"govuk-tag--{colour}"
