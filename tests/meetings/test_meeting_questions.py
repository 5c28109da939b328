"""The questions meeting pages ask (meetings/questions.py) answer, for every state, what the
pages decided from state strings before (issue 20, item 2): a question that drifted from its
old comparison changes which button or branch a page shows, and fails here."""

import pytest

from mutualise.meetings.lifecycle import (
    MeetingState,
    MinutesState,
    MotionState,
    RequisitionState,
    ResolutionState,
)
from mutualise.meetings.models import Meeting, Minutes, Motion, Requisition, Resolution

# question -> the states it was true in, as the pages compared them
MEETING = {
    "being_prepared": {"draft"},
    "awaiting_opening": {"called"},
    "in_session": {"in-session"},
    "has_closed": {"closed"},
    "notice_may_be_sent": {"called", "in-session"},
    "attendance_open": {"called", "in-session", "adjourned"},
}
RESOLUTION = {"vote_is_open": {"open"}, "result_declared": {"declared"}}
REQUISITION = {"collecting_signatures": {"collecting"}}
MOTION = {"awaits_decision": {"submitted"}}
MINUTES = {
    "open_to_edit": {"draft"},
    "awaits_publishing": {"approved"},
    "is_published": {"published"},
}


@pytest.mark.parametrize(
    "model, states, questions",
    [
        (Meeting, MeetingState, MEETING),
        (Resolution, ResolutionState, RESOLUTION),
        (Requisition, RequisitionState, REQUISITION),
        (Motion, MotionState, MOTION),
        (Minutes, MinutesState, MINUTES),
    ],
)
def test_each_question_is_true_in_exactly_the_states_the_pages_compared(model, states, questions):
    for state in states.values:
        thing = model(state=state)
        for question, true_in in questions.items():
            assert getattr(thing, question) is (state in true_in), (model.__name__, question, state)


def test_a_motions_tag_colour_follows_its_state():
    assert Motion(state="accepted").tag_class == "govuk-tag--green"
    assert Motion(state="rejected").tag_class == "govuk-tag--red"
    assert Motion(state="submitted").tag_class == ""
