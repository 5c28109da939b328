"""The questions election pages ask (elections/questions.py) answer, for every state, what the
pages decided from state strings before (issue 20, item 2)."""

from mutualise.elections.lifecycle import State
from mutualise.elections.models import Candidate, Election

# question -> the states it was true in, as the views and templates compared them
ELECTION = {
    "being_drafted": {"draft"},
    "is_void": {"void"},
    "notice_is_public": set(State.values) - {"draft", "void"},
    "timetable_may_move": {
        "draft", "notice_published", "nominations_open", "nominations_closed",
        "withdrawals_closed",
    },
    "taking_nominations": {"nominations_open"},
    "candidacies_may_change": {"nominations_open", "nominations_closed"},
    "codes_may_be_replaced": {"nominations_closed", "withdrawals_closed", "poll_open"},
    "poll_is_open": {"poll_open"},
    "ballots_may_be_keyed": {"poll_open", "poll_closed"},
    "awaiting_count": {"poll_closed"},
    "awaiting_declaration": {"counted"},
    "poll_closed_undeclared": {"poll_closed", "counted"},
    "has_been_counted": {"counted", "declared"},
    "result_declared": {"declared"},
}  # fmt: skip


def test_each_question_is_true_in_exactly_the_states_the_pages_compared():
    for state in State.values:
        election = Election(state=state)
        for question, true_in in ELECTION.items():
            assert getattr(election, question) is (state in true_in), (question, state)


def test_a_candidate_is_standing_or_has_withdrawn_by_its_status():
    for status in Candidate.Status.values:
        candidate = Candidate(status=status)
        assert candidate.is_standing is (status == "nominated")
        assert candidate.has_withdrawn is (status == "withdrawn")
