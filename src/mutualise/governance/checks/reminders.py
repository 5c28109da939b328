"""What the officers should be reminded of, from the rulebook and the facts: an AGM falling due,
terms ending, nominations closing, a poll closing. Pure, like the checks beside it: the daily
run (governance/services/reminders.py) records each `Due` once and mails it.

Every date comes from the rulebook: the AGM's interval (months since the last AGM, or since the
year end) and its notice, each body's (or seat group's) term, each election's timetable. The
only number that is not the organisation's is how far ahead to look (`ahead_days`, an install
setting): a reminder appears that many days before the day the officers must act by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mutualise.constitution.calendar import (
    add_months,
    clear_days_before,
    election_timetable,
    year_end_in,
)
from mutualise.constitution.schema import Constitution, NotFound

from .meetings import _annual
from .model import Facts, day, plural


class Kind:
    # The rulebook's annual meeting, whichever kind it marks `annual: true` (an AGM, an NHS
    # trust's annual members' meeting): the rulebook names it, the reminder does not.
    ANNUAL = "annual"
    TERM = "term"
    NOMINATIONS = "nominations"
    POLL = "poll"


@dataclass(frozen=True)
class ElectionDates:
    id: int
    title: str
    state: str
    close_of_poll: date


@dataclass(frozen=True)
class Due:
    kind: str  # a Kind
    key: str  # what it is about, stable from day to day: "annual", "holding:12", "election:3"
    due_on: date  # when it happens or falls due
    act_by: date  # the last day to act (e.g. to send the AGM's notice)
    title: str
    text: str  # plain English, with the numbers and the dates
    rule: str  # the rulebook field it comes from


# Elections in these states have not yet closed nominations / the poll.
BEFORE_NOMINATIONS_CLOSE = ("draft", "notice_published", "nominations_open")
BEFORE_POLL_CLOSE = (
    *BEFORE_NOMINATIONS_CLOSE, "nominations_closed", "withdrawals_closed", "poll_open",
)  # fmt: skip


def next_agm(c: Constitution, f: Facts) -> tuple[date, str, str, int] | None:
    """The next annual meeting's deadline as (deadline, what it runs from, rulebook field,
    months): the earlier of the rulebook's limits, counted from the last one held."""
    rules = c.meetings.agm
    annual = _annual(c)
    if annual is None:
        return None
    kind, name, _ = annual
    held = sorted(m.held_on for m in f.meetings if m.kind == kind and m.held_on <= f.today)
    last = held[-1] if held else None
    options = []
    if rules.within_months_of_previous is not None:
        months = rules.within_months_of_previous
        since = last or f.founded_on
        what = f"the last {name} on {day(since)}" if last else f"founding ({day(since)})"
        options.append((add_months(since, months), what, "within_months_of_previous", months))
    if rules.within_months_of_year_end is not None:
        months = rules.within_months_of_year_end
        year_end = c.organisation.financial_year_end
        for year in range(f.founded_on.year, f.today.year + 2):
            end = year_end_in(year, year_end.day, year_end.month)
            if end < f.founded_on or (last is not None and last > end):
                continue  # before founding, or an AGM since this year end answered it
            what = f"the year end {day(end)}"
            options.append((add_months(end, months), what, "within_months_of_year_end", months))
            break
    return min(options) if options else None


def _agm(c: Constitution, f: Facts, ahead: timedelta) -> list[Due]:
    found = next_agm(c, f)
    if found is None:
        return []
    deadline, what, field, months = found
    notice = c.meetings.agm.notice_clear_days
    act_by = clear_days_before(deadline, notice)
    if f.today < act_by - ahead:
        return []
    _, name, _ = _annual(c) or ("", "", "")
    late = "was due" if deadline < f.today else "is due"
    return [
        Due(
            Kind.ANNUAL,
            "annual",
            deadline,
            act_by,
            f"The {name} {late} by {day(deadline)}",
            f"The rulebook says the {name} is held within {plural(months, 'month')} of {what}, "
            f"so by {day(deadline)}. With {plural(notice, 'clear day')}' notice, the notice "
            f"must go out by {day(act_by)}.",
            f"meetings.agm.{field}: {months}; meetings.agm.notice_clear_days: {notice}",
        )
    ]


def _term_end(c: Constitution, body_id: str, seat_group_id: str, started_on: date):
    """The day a seat's term ends by the rulebook (first day not held), with its field."""
    try:
        body = c.body(body_id)
    except NotFound:
        return None
    group = next((g for g in body.seats if g.id == seat_group_id), None)
    if group is None:
        return None
    term, field = (group.term, f"seats.{group.id}.term") if group.term else (body.term, "term")
    return add_months(started_on, 12 * term.years), f"bodies.{body.id}.{field}.years: {term.years}"


def _terms(c: Constitution, f: Facts, ahead: timedelta) -> list[Due]:
    found = []
    for holder in f.holders:
        if not holder.current(f.today):
            continue
        rule = "the date recorded for this holding"
        ends = holder.ends_on
        if ends is None and holder.seat_group_id:
            by_rules = _term_end(c, holder.body_id, holder.seat_group_id, holder.started_on)
            if by_rules is not None:
                ends, rule = by_rules
        if ends is None or f.today < ends - ahead:
            continue
        what = holder.office_id or holder.seat_group_id
        last_day = ends - timedelta(days=1)
        found.append(
            Due(
                Kind.TERM,
                f"holding:{holder.id}",
                ends,
                last_day,
                f"{holder.name}'s term ({holder.body_id}, {what}) ends on {day(last_day)}",
                f"{holder.name} has held this since {day(holder.started_on)}; the term's last "
                f"day is {day(last_day)}. Arrange the election or appointment of whoever holds "
                f"it next, or record that the holder goes on, as the rulebook allows.",
                rule,
            )
        )
    return found


def _elections(c: Constitution, f: Facts, elections, ahead: timedelta) -> list[Due]:
    found = []
    for election in elections:
        try:
            table = election_timetable(
                c.elections.timetable, election.close_of_poll, c.organisation.nation
            )
        except ValueError:
            continue  # a close of poll the rulebook no longer allows: the election page says so
        steps = [
            (Kind.NOMINATIONS, table.nominations_close, BEFORE_NOMINATIONS_CLOSE,
             "Nominations close", "elections.timetable.nominations_close"),
            (Kind.POLL, table.close_of_poll, BEFORE_POLL_CLOSE,
             "The poll closes", "elections.timetable (close of poll)"),
        ]  # fmt: skip
        for kind, at, states, what, rule in steps:
            on = at.date()
            if election.state not in states or not (f.today <= on <= f.today + ahead):
                continue
            found.append(
                Due(
                    kind,
                    f"election:{election.id}",
                    on,
                    on,
                    f"{what} for {election.title} on {day(on)} at {at:%H:%M}",
                    f"{what} for {election.title} on {day(on)} at {at:%H:%M}, as the "
                    f"rulebook's election timetable sets from the close of poll "
                    f"({day(election.close_of_poll)}).",
                    rule,
                )
            )
    return found


def due(c: Constitution, f: Facts, elections=(), *, ahead_days: int) -> list[Due]:
    """Everything to remind the officers of on `f.today`, soonest first."""
    ahead = timedelta(days=ahead_days)
    found = _agm(c, f, ahead) + _terms(c, f, ahead) + _elections(c, f, elections, ahead)
    return sorted(found, key=lambda d: (d.act_by, d.kind, d.key))
