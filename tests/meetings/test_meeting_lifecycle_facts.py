"""The meetings lifecycle in the elections style (issue 20 item 2): the guards are pure
functions of a facts snapshot, no database; one table per thing with states (meetings,
resolutions, requisitions, motions, minutes); `blocking` lists every reason at once."""

import ast
import inspect
from datetime import date

import pytest

from mutualise.meetings import lifecycle as lc

pytestmark = pytest.mark.pure
DAY = date(2026, 9, 15)


def test_the_lifecycle_imports_nothing_of_the_app_or_the_database():
    tree = ast.parse(inspect.getsource(lc))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported.add(("." * node.level) + (node.module or ""))
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    assert not {m for m in imported if m.startswith(".") or m.startswith("mutualise")}
    assert imported <= {"__future__", "collections.abc", "dataclasses", "datetime", "django.db"}


def test_a_meeting_guard_reads_only_facts():
    early = lc.MeetingFacts(state="called", today=date(2026, 9, 14), meeting_date=DAY)
    assert lc.check(lc.MEETING_TRANSITIONS, early, "open") == (
        False,
        "The meeting is on 15 September 2026; it cannot open before then.",
    )
    assert lc.check(lc.MEETING_TRANSITIONS, early, "close") == (
        False,
        "The meeting is notice given: cannot close the meeting.",
    )
    busy = lc.MeetingFacts(state="in-session", today=DAY, meeting_date=DAY, votes_open=1)
    assert lc.blocking(lc.MEETING_TRANSITIONS, busy) == {
        "adjourn": "A vote is open: declare its result first.",
        "close": "A vote is open: declare its result first.",
    }


def test_notice_and_shorter_notice_consent():
    late = lc.MeetingFacts(state="draft", today=date(2026, 9, 10), meeting_date=DAY,
                           notice_days=14, notice_latest=date(2026, 8, 31))  # fmt: skip
    ok, why = lc.check(lc.MEETING_TRANSITIONS, late, "call")
    assert not ok and "earliest lawful date is 25 September 2026" in why
    consented = lc.MeetingFacts(**{**late.__dict__, "consent_met": True, "consent_rule": "90%",
                                   "short_notice_consents": 95, "members_total": 100})  # fmt: skip
    assert lc.check(lc.MEETING_TRANSITIONS, consented, "call") == (
        True,
        "Shorter notice: 95 of 100 members agreed in writing (90% needed).",
    )
    annual = lc.MeetingFacts(**{**consented.__dict__, "is_annual": True})
    assert lc.check(lc.MEETING_TRANSITIONS, annual, "call")[0] is False


def test_a_resolution_vote_opens_only_in_session_quorate_and_confirming_a_carried_one():
    facts = lc.ResolutionFacts(state="proposed", meeting_state="in-session",
                               quorum_present=2, quorum_required=3)  # fmt: skip
    assert "inquorate: 2 present, 3 needed" in lc.check(lc.RESOLUTION_TRANSITIONS, facts,
                                                         "open_vote")[1]  # fmt: skip
    confirming = lc.ResolutionFacts(state="proposed", meeting_state="in-session",
                                    quorum_present=3, quorum_required=3, confirms=True)  # fmt: skip
    assert lc.check(lc.RESOLUTION_TRANSITIONS, confirming, "open_vote") == (
        False,
        "The resolution it confirms was not carried.",
    )


def test_requisitions_motions_and_minutes_have_their_tables():
    counted = lc.RequisitionFacts(state="collecting", today=DAY, valid_signatures=4,
                                  signatures_needed=5)  # fmt: skip
    assert lc.check(lc.REQUISITION_TRANSITIONS, counted, "count_too_few") == (True, "")
    assert lc.check(lc.REQUISITION_TRANSITIONS, counted, "count_valid")[0] is False
    late_board = lc.RequisitionFacts(state="valid", today=DAY, board_deadline=date(2026, 9, 1))
    assert "has passed" in lc.check(lc.REQUISITION_TRANSITIONS, late_board, "convene_by_board")[1]
    assert lc.check(lc.REQUISITION_TRANSITIONS, late_board, "sign") == (
        False,
        "this requisition has been submitted",
    )
    motion = lc.MotionFacts(state="submitted", meeting_state="draft", supporters_needed=2)
    assert lc.blocking(lc.MOTION_TRANSITIONS, motion) == {
        "accept": "the motion has 0 supporters; 2 are needed"
    }
    minutes = lc.MinutesFacts(state="draft")
    assert lc.blocking(lc.MINUTES_TRANSITIONS, minutes) == {
        "approve": "minutes are approved at a later meeting of the same organisation",
        "sign": "say who chaired the meeting before approving the minutes",
    }
    published = lc.MinutesFacts(state="published")
    assert lc.check(lc.MINUTES_TRANSITIONS, published, "publish") == (
        False,
        "only approved minutes are published",
    )
