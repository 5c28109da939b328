"""Issue 20 item 5: "the last financial year end" is `calendar.last_year_end`, so the annual
report and the building society's voting rule name the same year end on the same day (the
report used to take the year-end day itself, the voting rule the year before); and "the last
year" of the meetings checks is a calendar year, not 366 days."""

from datetime import date

import pytest
from governance_helpers import found

from mutualise.constitution import load_file, model_path
from mutualise.constitution.eligibility import may_vote
from mutualise.governance import checks, reports
from mutualise.governance.checks import MeetingHeld
from mutualise.register import services as register

ADULT = date(1980, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "year_end"),
    [(date(2027, 12, 31), date(2026, 12, 31)), (date(2028, 1, 1), date(2027, 12, 31))],
)
def test_the_report_and_the_voting_rule_name_the_same_year_end(today, year_end):
    society = found("building-society", "bs")  # year ends 31 December
    assert reports.last_year_end(society, today) == year_end
    title = reports.membership_section(society, year_end)["sections"][0][0]
    assert title.endswith(f"to {year_end.day} {year_end:%B %Y}")
    c = society.constitution
    assert may_vote(c, ADULT, year_end, today).eligible
    late = may_vote(c, ADULT, date(year_end.year + 1, 1, 1), today)
    assert f"end of the last financial year ({year_end:%d %B %Y})" in late.reasons[0]


@pytest.mark.django_db
def test_a_29_february_year_end_reports_a_whole_year_in_a_common_year():
    """The report's year runs from the day after the last year end (29 February 2024), not
    from twelve months before 28 February 2025 (which counted 29 February 2024 twice)."""
    coop = found("co-operative-society", "leap")
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    assert "financial_year_end: 31 December" in text
    text = text.replace("financial_year_end: 31 December", "financial_year_end: 29 February", 1)
    register.adopt_constitution(coop, text=text, source_name="leap.yaml", actor="test", reason="t")
    assert reports.last_year_end(coop, date(2025, 2, 28)) == date(2024, 2, 29)
    assert reports.last_year_end(coop, date(2025, 3, 1)) == date(2025, 2, 28)
    title = reports.membership_section(coop, date(2025, 2, 28))["sections"][0][0]
    assert title.endswith("1 March 2024 to 28 February 2025")


def test_the_meetings_checks_look_back_one_calendar_year():
    """An inquorate meeting a year ago to the day is still health (MTG-3); the day before it
    is history. 2 March 2025 less 366 days is 1 March 2024, which a year's look-back leaves out."""
    c = load_file(model_path("co-operative-society"))
    today = date(2025, 3, 2)

    def inquorate(held_on):
        meeting = MeetingHeld("general", held_on, present=0, members_total=20)
        f = checks.Facts(today=today, founded_on=date(2020, 1, 1), members=20, meetings=(meeting,))
        return [x for x in checks.run(c, f) if x.id == "MTG-3"]

    assert inquorate(date(2024, 3, 2))
    assert not inquorate(date(2024, 3, 1))
