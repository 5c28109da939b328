"""Clear days, working days, bank holidays and election timetables, against dates worked out
by hand from a printed calendar (not from the code under test)."""

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualise.constitution import load_file, model_path
from mutualise.constitution.calendar import (
    LONDON,
    add_months,
    clear_days_before,
    election_timetable,
    financial_year,
    is_working_day,
    last_year_end,
    uk_bank_holidays,
    working_days_before,
    year_end_in,
)
from mutualise.constitution.schema import Timetable

MER = load_file(model_path("nhs-foundation-trust")).elections.timetable


def test_the_nhs_rulebook_sets_the_model_election_rules_timetable():
    assert (
        MER.notice_of_election,
        MER.nominations_close,
        MER.statement_of_nominations,
        MER.withdrawals_close,
        MER.notice_of_poll,
    ) == (40, 28, 27, 25, 15)
    assert set(MER.non_working_days) == {
        "weekends",
        "bank-holidays",
        "christmas-eve",
        "christmas-day",
        "good-friday",
    }


def test_poll_closing_just_after_easter_2027():
    # 2027: 1 Feb and 1 Mar are Mondays. Easter Sunday is 28 March, so Good Friday is 26 March
    # and Easter Monday 29 March (a bank holiday in England and Wales). The poll closes on
    # Wednesday 31 March. Counting back, the close-of-poll day itself not counted:
    #   1 Tue 30 Mar; (Mon 29 Easter Monday, Sun 28, Sat 27, Fri 26 Good Friday skipped)
    #   2 Thu 25, 3 Wed 24, 4 Tue 23, 5 Mon 22, 6 Fri 19, 7 Thu 18, 8 Wed 17, 9 Tue 16,
    #   10 Mon 15, 11 Fri 12, 12 Thu 11, 13 Wed 10, 14 Tue 9, 15 Mon 8 Mar (notice of poll),
    #   16 Fri 5, 17 Thu 4, 18 Wed 3, 19 Tue 2, 20 Mon 1 Mar, 21 Fri 26 Feb, 22 Thu 25,
    #   23 Wed 24, 24 Tue 23, 25 Mon 22 Feb (withdrawals), 26 Fri 19, 27 Thu 18 Feb
    #   (statement), 28 Wed 17 Feb (nominations close), 29 Tue 16, 30 Mon 15, 31 Fri 12,
    #   32 Thu 11, 33 Wed 10, 34 Tue 9, 35 Mon 8, 36 Fri 5, 37 Thu 4, 38 Wed 3, 39 Tue 2,
    #   40 Mon 1 Feb (notice of election).
    # British Summer Time starts on Sunday 28 March 2027, so only the close of poll is BST.
    timetable = election_timetable(MER, date(2027, 3, 31), "england-and-wales")
    assert [(name, moment.date()) for name, moment in timetable.steps()] == [
        ("notice_of_election", date(2027, 2, 1)),
        ("nominations_close", date(2027, 2, 17)),
        ("statement_of_nominations", date(2027, 2, 18)),
        ("withdrawals_close", date(2027, 2, 22)),
        ("notice_of_poll", date(2027, 3, 8)),
        ("close_of_poll", date(2027, 3, 31)),
    ]
    assert all(moment.tzinfo is LONDON for _, moment in timetable.steps())
    assert all(moment.time() == time(17, 0) for _, moment in timetable.steps())
    assert timetable.notice_of_poll.utcoffset() == timedelta(0)
    assert timetable.close_of_poll.utcoffset() == timedelta(hours=1)


def test_easter_monday_is_a_working_day_in_scotland():
    # Easter Monday is not a Scottish bank holiday, so Mon 29 Mar counts as the 2nd working
    # day back and every later count moves one place: the 15th is the 14th above, Tue 9 Mar.
    timetable = election_timetable(MER, date(2027, 3, 31), "scotland")
    assert timetable.notice_of_poll.date() == date(2027, 3, 9)
    assert timetable.withdrawals_close.date() == date(2027, 2, 23)


def test_poll_closing_just_after_christmas_2026():
    # 25 Dec 2026 and 1 Jan 2027 are Fridays; 1 Dec 2026 is a Tuesday, 1 Nov a Sunday.
    # Not working: Thu 24 Dec (Christmas Eve, by the rulebook), Fri 25 Dec, Mon 28 Dec (Boxing
    # Day falls on Saturday 26th; the bank holiday moves to Monday), Fri 1 Jan, weekends.
    # The poll closes on Tuesday 5 January 2027. Counting back:
    #   1 Mon 4 Jan; (Sun 3, Sat 2, Fri 1 skipped) 2 Thu 31 Dec, 3 Wed 30, 4 Tue 29;
    #   (Mon 28 to Thu 24 skipped) 5 Wed 23, 6 Tue 22, 7 Mon 21, 8 Fri 18, 9 Thu 17,
    #   10 Wed 16, 11 Tue 15, 12 Mon 14, 13 Fri 11, 14 Thu 10, 15 Wed 9 Dec (notice of poll),
    #   16 Tue 8, 17 Mon 7, 18 Fri 4, 19 Thu 3, 20 Wed 2, 21 Tue 1 Dec, 22 Mon 30 Nov,
    #   23 Fri 27, 24 Thu 26, 25 Wed 25 Nov (withdrawals), 26 Tue 24, 27 Mon 23 Nov
    #   (statement), 28 Fri 20 Nov (nominations close), 29 Thu 19, 30 Wed 18, 31 Tue 17,
    #   32 Mon 16, 33 Fri 13, 34 Thu 12, 35 Wed 11, 36 Tue 10, 37 Mon 9, 38 Fri 6, 39 Thu 5,
    #   40 Wed 4 Nov (notice of election). All in GMT.
    timetable = election_timetable(MER, date(2027, 1, 5), "england-and-wales")
    assert [(name, moment.date()) for name, moment in timetable.steps()] == [
        ("notice_of_election", date(2026, 11, 4)),
        ("nominations_close", date(2026, 11, 20)),
        ("statement_of_nominations", date(2026, 11, 23)),
        ("withdrawals_close", date(2026, 11, 25)),
        ("notice_of_poll", date(2026, 12, 9)),
        ("close_of_poll", date(2027, 1, 5)),
    ]
    assert all(moment.utcoffset() == timedelta(0) for _, moment in timetable.steps())


def test_christmas_eve_counts_only_when_the_rulebook_says_so():
    # Without Christmas Eve as a non-working day, Thu 24 Dec is the 5th working day back and
    # the 15th becomes the 14th above: Thu 10 Dec.
    plain = MER.model_copy(update={"non_working_days": ("weekends", "bank-holidays")})
    timetable = election_timetable(plain, date(2027, 1, 5), "england-and-wales")
    assert timetable.notice_of_poll.date() == date(2026, 12, 10)


def test_the_poll_cannot_close_on_a_bank_holiday():
    with pytest.raises(ValueError, match="Monday 29 March 2027: not a working day"):
        election_timetable(MER, date(2027, 3, 29), "england-and-wales")


def test_clear_day_and_calendar_day_timetables():
    clear = Timetable(day_kind="clear", notice_of_election=14, nominations_close=7)
    timetable = election_timetable(clear, date(2027, 1, 15))
    # 14 clear days before Fri 15 Jan: 1..14 Jan lie between, so notice by Thu 31 Dec.
    assert timetable.notice_of_election.date() == date(2026, 12, 31)
    # 7 clear days: 8..14 Jan lie between, so by Thu 7 Jan.
    assert timetable.nominations_close.date() == date(2027, 1, 7)
    calendar = clear.model_copy(update={"day_kind": "calendar"})
    assert election_timetable(calendar, date(2027, 1, 15)).notice_of_election.date() == date(
        2027, 1, 1
    )


def test_clear_days_before_counts_neither_end():
    assert clear_days_before(date(2027, 1, 15), 14) == date(2026, 12, 31)
    assert clear_days_before(date(2027, 3, 1), 21) == date(2027, 2, 7)  # 8..28 Feb = 21 days
    assert clear_days_before(date(2027, 3, 1), 0) == date(2027, 2, 28)
    with pytest.raises(ValueError):
        clear_days_before(date(2027, 3, 1), -1)


def test_working_days_before_skips_weekends_and_bank_holidays():
    # Tue 4 May 2027: Mon 3 May is the early May bank holiday, so 1 working day back is Fri 30
    # April and 2 is Thu 29 April.
    assert working_days_before(date(2027, 5, 4), 1) == date(2027, 4, 30)
    assert working_days_before(date(2027, 5, 4), 2) == date(2027, 4, 29)
    # From a Monday, 1 working day back is the Friday.
    assert working_days_before(date(2027, 6, 7), 1) == date(2027, 6, 4)
    with pytest.raises(ValueError):
        working_days_before(date(2027, 6, 7), 0)


def test_is_working_day_by_nation_and_extras():
    assert not is_working_day(date(2027, 3, 17), "northern-ireland")  # St Patrick's Day
    assert is_working_day(date(2027, 3, 17), "england-and-wales")
    assert not is_working_day(date(2027, 8, 2), "scotland")  # first Monday in August
    assert is_working_day(date(2027, 8, 2), "england-and-wales")
    assert not is_working_day(date(2027, 8, 30), "england-and-wales")  # last Monday in August
    assert not is_working_day(date(2027, 6, 5))  # a Saturday
    assert is_working_day(date(2027, 12, 24))  # Christmas Eve is not a bank holiday ...
    assert not is_working_day(date(2027, 12, 24), extra_non_working=["christmas-eve"])  # ...
    assert not is_working_day(date(2027, 6, 8), extra_non_working=[date(2027, 6, 8)])
    with pytest.raises(ValueError, match="unknown UK nation 'wales'"):
        is_working_day(date(2027, 6, 8), "wales")


def test_uk_bank_holidays_come_from_the_holidays_package_per_nation():
    england = uk_bank_holidays(2026, "england-and-wales")
    assert date(2026, 12, 28) in england  # Boxing Day substitute
    assert date(2026, 4, 6) in england  # Easter Monday
    assert len(england) == 9
    scotland = uk_bank_holidays(2027, "scotland")
    assert date(2027, 1, 2) in scotland and date(2027, 11, 30) in scotland
    assert date(2027, 3, 29) not in scotland
    northern_ireland = uk_bank_holidays(2027, "northern-ireland")
    assert date(2027, 7, 12) in northern_ireland  # Battle of the Boyne


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2027, 3, 31), 6, date(2027, 9, 30)),
        (date(2027, 11, 15), 3, date(2028, 2, 15)),
        (date(2027, 1, 15), -13, date(2025, 12, 15)),
        (date(2027, 5, 10), 0, date(2027, 5, 10)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=1, max_value=60),
    st.sampled_from(["england-and-wales", "scotland", "northern-ireland"]),
)
def test_working_days_before_counts_exactly_n_working_days(day, n, nation):
    found = working_days_before(day, n, nation, extra_non_working=["christmas-eve"])
    assert is_working_day(found, nation, ["christmas-eve"])
    span = [found + timedelta(days=k) for k in range((day - found).days)]
    assert sum(is_working_day(d, nation, ["christmas-eve"]) for d in span) == n


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 400))
def test_clear_days_leave_exactly_n_days_between(day, n):
    notice = clear_days_before(day, n)
    assert (day - notice).days - 1 == n


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(-240, 240))
def test_add_months_lands_in_the_right_month_and_never_overshoots_the_day(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


def test_deadline_time_and_poll_closes_at_set_the_timetables_hours():
    # Issue 20, item 5: the rulebook's hours, not 17:00 in code, end each step and the poll.
    usual = election_timetable(MER, date(2027, 3, 31), "england-and-wales")
    assert usual.nominations_close.time() == time(17, 0) == usual.close_of_poll.time()
    later = MER.model_copy(update={"deadline_time": time(12, 0), "poll_closes_at": time(20, 0)})
    timetable = election_timetable(later, date(2027, 3, 31), "england-and-wales")
    assert timetable.nominations_close == usual.nominations_close.replace(hour=12)
    assert timetable.withdrawals_close.time() == time(12, 0)
    assert timetable.close_of_poll == usual.close_of_poll.replace(hour=20)


# The year-end rule (issue 20 item 5): a financial year ends ON its year-end day, that day
# included, so on the year-end day the last year to have ended is the one before.
@pytest.mark.parametrize(
    ("today", "end", "last"),
    [
        (date(2026, 3, 31), (31, 3), date(2025, 3, 31)),  # the year-end day itself
        (date(2026, 4, 1), (31, 3), date(2026, 3, 31)),  # the day after
        (date(2026, 3, 30), (31, 3), date(2025, 3, 31)),  # the day before
        (date(2027, 1, 1), (31, 12), date(2026, 12, 31)),  # across the calendar year
        (date(2026, 12, 31), (31, 12), date(2025, 12, 31)),
        # 29 February year ends: 28 February in a common year
        (date(2024, 2, 29), (29, 2), date(2023, 2, 28)),  # the day itself, a leap year
        (date(2024, 3, 1), (29, 2), date(2024, 2, 29)),  # the day after, a leap year
        (date(2025, 2, 28), (29, 2), date(2024, 2, 29)),  # the day itself, a common year
        (date(2025, 3, 1), (29, 2), date(2025, 2, 28)),  # the day after, a common year
        (date(2028, 2, 28), (29, 2), date(2027, 2, 28)),  # the day before, a leap year
    ],
)
def test_the_last_year_end_is_before_the_year_end_day_itself(today, end, last):
    assert last_year_end(today, *end) == last


def test_a_29_february_year_end_is_28_february_in_a_common_year():
    assert year_end_in(2024, 29, 2) == date(2024, 2, 29)
    assert year_end_in(2025, 29, 2) == date(2025, 2, 28)
    assert financial_year(date(2024, 2, 29), 29, 2) == (date(2023, 3, 1), date(2024, 2, 29))
    assert financial_year(date(2025, 2, 28), 29, 2) == (date(2024, 3, 1), date(2025, 2, 28))
    assert financial_year(date(2025, 3, 1), 29, 2) == (date(2025, 3, 1), date(2026, 2, 28))


YEAR_ENDS = st.sampled_from([(31, 3), (31, 12), (29, 2), (28, 2), (30, 9), (1, 1), (31, 8)])


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)), YEAR_ENDS)
def test_the_last_year_end_is_the_latest_year_end_day_before_today(today, end):
    last = last_year_end(today, *end)
    assert last == year_end_in(last.year, *end)  # a year-end day
    assert last < today <= year_end_in(last.year + 1, *end)  # and no later one before today
    assert financial_year(today, *end)[0] == last + timedelta(days=1)
