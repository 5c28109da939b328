"""Issue 20: the governance checks read the meeting kinds from the rulebook (`meetings.kinds`):
which kind is the annual meeting, which are members' meetings, their names, their notice and
the source quoted. Each test changes one field in a rulebook and watches the verdict change."""

from dataclasses import replace
from datetime import date

import pytest

from mutualise.constitution import load_text, model_path
from mutualise.governance import checks
from mutualise.governance.checks import MeetingHeld, reminders
from mutualise.governance.checks.reminders import next_agm

pytestmark = pytest.mark.pure

TODAY = date(2026, 5, 1)
TEXT = model_path("co-operative-society").read_text()
AGM_KIND = """    - id: agm
      name: Annual general meeting
      short_name: AGM
      annual: true
      source: "the society's registered rules"
"""
GENERAL_KIND = "    - {id: general, name: General meeting}\n"


def rulebook(agm: str = AGM_KIND, general: str = GENERAL_KIND):
    assert AGM_KIND in TEXT and GENERAL_KIND in TEXT
    return load_text(TEXT.replace(AGM_KIND, agm).replace(GENERAL_KIND, general), "coop.yaml")


def facts(*meetings):
    return checks.Facts(today=TODAY, founded_on=date(2024, 1, 1), members=20, meetings=meetings)


def found(c, f, finding_id):
    return [x for x in checks.run(c, f) if x.id == finding_id]


HELD_IN_TIME = date(2025, 5, 20)


def test_annual_decides_which_kind_is_the_annual_meeting():
    """An AGM held in time satisfies MTG-1; the same meeting held under a kind the rulebook
    calls annual instead (`annual: true` moved to another kind) does not."""
    meeting = MeetingHeld("agm", HELD_IN_TIME, present=10, members_total=20)
    assert not found(rulebook(), facts(meeting), "MTG-1")
    moved = rulebook(
        agm=AGM_KIND.replace("annual: true", "annual: false"),
        general="    - {id: general, name: Annual meeting, annual: true}\n",
    )
    got = found(moved, facts(meeting), "MTG-1")
    assert got and "No annual meeting has been held" in got[0].statement
    assert not found(moved, facts(replace(meeting, kind="general")), "MTG-1")


def test_no_annual_kind_no_annual_meeting_finding():
    none = rulebook(agm=AGM_KIND.replace("annual: true", "annual: false"))
    assert found(rulebook(), facts(), "MTG-1")
    assert not found(none, facts(), "MTG-1")
    assert next_agm(none, facts()) is None


def test_short_name_and_name_are_what_the_finding_calls_it():
    assert "No AGM has been held" in found(rulebook(), facts(), "MTG-1")[0].statement
    renamed = rulebook(agm=AGM_KIND.replace("short_name: AGM", "short_name: annual meeting"))
    assert "No annual meeting has been held" in found(renamed, facts(), "MTG-1")[0].statement
    unnamed = rulebook(agm=AGM_KIND.replace("      short_name: AGM\n", ""))
    assert "No annual general meeting has been held" in (
        found(unnamed, facts(), "MTG-1")[0].statement
    )


def test_source_is_quoted_beside_the_finding():
    assert "(the society's registered rules)" in found(rulebook(), facts(), "MTG-1")[0].rule
    cited = rulebook(agm=AGM_KIND.replace("the society's registered rules", "Rule 31"))
    assert found(cited, facts(), "MTG-1")[0].rule.endswith("(Rule 31)")


INQUORATE = MeetingHeld(
    "general", date(2026, 3, 20), present=1, members_total=20, notice_given_on=date(2026, 2, 1)
)


def test_members_decides_which_meetings_need_a_members_quorum():
    assert found(rulebook(), facts(INQUORATE), "MTG-3")
    body_meeting = rulebook(general="    - {id: general, name: General meeting, members: false}\n")
    assert not found(body_meeting, facts(INQUORATE), "MTG-3")


def test_a_kinds_own_notice_clear_days_decide_mtg2():
    short = replace(INQUORATE, present=10, notice_given_on=date(2026, 3, 10))  # 9 clear days
    got = found(rulebook(), facts(short), "MTG-2")  # a general meeting needs 14 here
    assert got and got[0].rule == "meetings.general.notice_clear_days: 14"
    shorter = rulebook(general="    - {id: general, name: General meeting, notice_clear_days: 7}\n")
    assert not found(shorter, facts(short), "MTG-2")
    longer = rulebook(general="    - {id: general, name: General meeting, notice_clear_days: 21}\n")
    assert found(longer, facts(replace(short, notice_given_on=date(2026, 3, 1))), "MTG-2")


def test_the_annual_meeting_reminder_is_of_whichever_kind_the_rulebook_marks_annual():
    moved = rulebook(
        agm=AGM_KIND.replace("annual: true", "annual: false"),
        general="    - {id: general, name: Annual meeting, annual: true}\n",
    )
    for c, called in ((rulebook(), "The AGM"), (moved, "The annual meeting")):
        (due,) = reminders.due(c, facts(), ahead_days=28)
        assert (due.kind, due.key) == (reminders.Kind.ANNUAL, "annual") == ("annual", "annual")
        assert due.title.startswith(called)
