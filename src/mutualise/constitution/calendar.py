"""Dates the rules count in: clear days, working days, UK bank holidays, election timetables,
periods, ages and financial year ends (see `last_year_end` for the year-end rule).

Bank holidays come from the maintained `holidays` package, per UK nation. Deadlines are
aware datetimes in Europe/London.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

from .schema import DayKind, Nation, NonWorkingDay, Timetable

LONDON = ZoneInfo("Europe/London")

_SUBDIVISION = {
    Nation.ENGLAND_AND_WALES: "ENG",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}

# What the NHS Model Election Rules disregard; also the default for `is_working_day`.
DEFAULT_NON_WORKING = (NonWorkingDay.WEEKENDS, NonWorkingDay.BANK_HOLIDAYS)


def _nation(nation: Nation | str) -> Nation:
    try:
        return Nation(nation)
    except ValueError:
        known = ", ".join(n.value for n in Nation)
        raise ValueError(f"unknown UK nation {nation!r}; known: {known}") from None


@lru_cache(maxsize=256)
def _bank_holidays(year: int, nation: Nation) -> dict[date, str]:
    found = holidays.country_holidays("GB", subdiv=_SUBDIVISION[nation], years=year)
    return {day: name for day, name in sorted(found.items()) if day.year == year}


def uk_bank_holidays(year: int, nation: Nation | str) -> dict[date, str]:
    """Bank and public holidays (including substitute days) for one year in one UK nation."""
    return dict(_bank_holidays(year, _nation(nation)))


def _named_day(kind: NonWorkingDay, year: int) -> date | None:
    if kind is NonWorkingDay.CHRISTMAS_EVE:
        return date(year, 12, 24)
    if kind is NonWorkingDay.CHRISTMAS_DAY:
        return date(year, 12, 25)
    if kind is NonWorkingDay.GOOD_FRIDAY:
        return easter(year) - timedelta(days=2)
    return None


def is_working_day(
    day: date,
    nation: Nation | str = Nation.ENGLAND_AND_WALES,
    extra_non_working: Iterable[date | NonWorkingDay | str] = (),
    non_working: Iterable[NonWorkingDay | str] = DEFAULT_NON_WORKING,
) -> bool:
    """Not a weekend or bank holiday (as `non_working` says), nor any of `extra_non_working`:
    dates, or named days such as 'christmas-eve' and 'good-friday'."""
    kinds = {NonWorkingDay(k) for k in non_working}
    extra_dates = set()
    for item in extra_non_working:
        if isinstance(item, date):
            extra_dates.add(item)
        else:
            kinds.add(NonWorkingDay(item))
    if day in extra_dates:
        return False
    if NonWorkingDay.WEEKENDS in kinds and day.weekday() >= 5:
        return False
    if NonWorkingDay.BANK_HOLIDAYS in kinds and day in _bank_holidays(day.year, _nation(nation)):
        return False
    return all(_named_day(kind, day.year) != day for kind in kinds)


def working_days_before(
    day: date,
    n: int,
    nation: Nation | str = Nation.ENGLAND_AND_WALES,
    extra_non_working: Iterable[date | NonWorkingDay | str] = (),
    non_working: Iterable[NonWorkingDay | str] = DEFAULT_NON_WORKING,
) -> date:
    """The working day that is the n-th working day before `day` (which is not counted)."""
    if n < 1:
        raise ValueError(f"expected at least 1 working day, got {n}")
    extra = tuple(extra_non_working)
    kinds = tuple(non_working)
    current, counted = day, 0
    while counted < n:
        current -= timedelta(days=1)
        if is_working_day(current, nation, extra, kinds):
            counted += 1
    return current


def clear_days_before(day: date, n: int) -> date:
    """The latest date notice may be given so that n whole days lie between it and `day`,
    neither the day of notice nor the day of the meeting counted."""
    if n < 0:
        raise ValueError(f"expected a number of days, got {n}")
    return day - timedelta(days=n + 1)


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later (or earlier), clamped to the month's last day:
    31 January + 1 month = 28 (or 29) February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _birthday(born: date, year: int) -> date:
    # Someone born on 29 February is taken to come of age on 1 March in a common year: the
    # Scottish statutory rule as recalled [R] (Age of Legal Capacity (Scotland) Act 1991);
    # English law has no statute on it, so confirm before relying on the edge.
    try:
        return born.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def age_on(born: date, on: date) -> int:
    """Whole years of age on `on`."""
    age = on.year - born.year
    return age if on >= _birthday(born, on.year) else age - 1


def london(day: date, at: time) -> datetime:
    """A wall-clock time in London on `day`, as an aware datetime (GMT or BST as the day has)."""
    return datetime.combine(day, at, tzinfo=LONDON)


@dataclass(frozen=True)
class ElectionTimetable:
    notice_of_election: datetime
    nominations_close: datetime
    statement_of_nominations: datetime | None
    withdrawals_close: datetime | None
    notice_of_poll: datetime | None
    close_of_poll: datetime

    def steps(self) -> list[tuple[str, datetime]]:
        names = (
            "notice_of_election",
            "nominations_close",
            "statement_of_nominations",
            "withdrawals_close",
            "notice_of_poll",
            "close_of_poll",
        )
        return [(name, getattr(self, name)) for name in names if getattr(self, name) is not None]


def election_timetable(
    rules: Timetable,
    close_of_poll: date,
    nation: Nation | str = Nation.ENGLAND_AND_WALES,
    extra_non_working: Iterable[date] = (),
) -> ElectionTimetable:
    """Each step's latest moment, counted back from the day the poll closes.

    Counting follows `rules.day_kind`: working days (the n-th working day before polling day),
    clear days (n whole days between), or plain calendar days.
    """
    extra = tuple(extra_non_working)
    if rules.day_kind is DayKind.WORKING and not is_working_day(
        close_of_poll, nation, extra, rules.non_working_days
    ):
        raise ValueError(f"the poll cannot close on {close_of_poll:%A %d %B %Y}: not a working day")

    def back(n: int | None) -> datetime | None:
        if n is None:
            return None
        if rules.day_kind is DayKind.WORKING:
            day = working_days_before(close_of_poll, n, nation, extra, rules.non_working_days)
        elif rules.day_kind is DayKind.CLEAR:
            day = clear_days_before(close_of_poll, n)
        else:
            day = close_of_poll - timedelta(days=n)
        return london(day, rules.deadline_time)

    return ElectionTimetable(
        notice_of_election=back(rules.notice_of_election),
        nominations_close=back(rules.nominations_close),
        statement_of_nominations=back(rules.statement_of_nominations),
        withdrawals_close=back(rules.withdrawals_close),
        notice_of_poll=back(rules.notice_of_poll),
        close_of_poll=london(close_of_poll, rules.poll_closes_at),
    )


def add_period(day: date, amount: int, unit: str) -> date:
    """`day` moved on by a rulebook period ('13 weeks', '3 months', '3 years'); months and
    years keep the day of the month, clamped to the month's last day."""
    if unit == "days":
        return day + timedelta(days=amount)
    if unit == "weeks":
        return day + timedelta(weeks=amount)
    if unit == "months":
        return add_months(day, amount)
    if unit == "years":
        return add_months(day, 12 * amount)
    raise ValueError(f"unknown unit of time {unit!r}")


# The year-end rule, the one place it is decided. A financial year ends ON its year-end day,
# that day included: the year ending 31 March takes in 31 March. So on the year-end day itself
# that year is still running, and "the last financial year end" is the one before it: the
# day's joiners and leavers belong to the year it ends, so neither the year's report nor a
# roll of "those who were members at the end of the last financial year" (a building
# society's) can be drawn until the day is over. A year end of 29 February falls on 28
# February in a common year (the month's last day), which keeps every year a year long.


def year_end_in(year: int, end_day: int, end_month: int) -> date:
    """The last day of the financial year ending in calendar `year` (ending each year on
    end_day end_month, clamped to the month's last day: 29 February is 28 in a common year)."""
    return date(year, end_month, min(end_day, _calendar.monthrange(year, end_month)[1]))


def financial_year(day: date, end_day: int, end_month: int) -> tuple[date, date]:
    """The first and last day of the financial year (ending each year on end_day end_month,
    clamped in short months) that `day` falls in; the year-end day is the year's last."""
    end = year_end_in(day.year, end_day, end_month)
    if end < day:
        end = year_end_in(day.year + 1, end_day, end_month)
    return year_end_in(end.year - 1, end_day, end_month) + timedelta(days=1), end


def last_year_end(day: date, end_day: int, end_month: int) -> date:
    """The end of the last financial year to have ended by `day`: the latest year-end day
    strictly before `day` (on a year-end day its own year has not ended yet)."""
    return financial_year(day, end_day, end_month)[0] - timedelta(days=1)
