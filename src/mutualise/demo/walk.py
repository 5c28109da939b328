"""A demo election walked along its rulebook's timetable, each step dated by an explicit clock,
so the steps before now are in the past: a poll open now, one closed and ready to count, or one
whose nominations are open (common.py re-exports these)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from mutualise import clock
from mutualise.constitution.calendar import election_timetable, london
from mutualise.elections import services as elections


def working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _table(organisation, day: date):
    """The rulebook's timetable for a poll closing on `day`, or None if it cannot close then
    (a weekend or bank holiday in the organisation's nation)."""
    rules = organisation.constitution
    try:
        return election_timetable(rules.elections.timetable, day, rules.organisation.nation)
    except ValueError:
        return None


def polling_day(organisation, day: date, step: int = 1) -> date:
    """`day`, or the nearest day after it (before it, with step -1) a poll may close on."""
    while _table(organisation, day) is None:
        day += timedelta(days=step)
    return day


def close_for_nominations_open(organisation, days_ahead: int = 4) -> date:
    """The earliest close of poll whose notice of election is still to come and whose
    nominations close at least `days_ahead` days from now: a timetable to walk from its start."""
    day = clock.localdate() + timedelta(days=30)
    for _ in range(400):
        table = _table(organisation, day)
        if (
            table is not None
            and table.notice_of_election > clock.now() + timedelta(days=1)
            and table.nominations_close > clock.now() + timedelta(days=days_ahead)
        ):
            return day
        day += timedelta(days=1)
    raise RuntimeError("no close of poll fits the timetable")


class Walk:
    """One election along its timetable, each step dated by an explicit clock."""

    def __init__(self, organisation, returning_officer, body_id, group_id, close_of_poll, *, now):
        self.actor = returning_officer
        step = -1 if close_of_poll < clock.localdate() else 1  # a past poll stays in the past
        close_of_poll = polling_day(organisation, close_of_poll, step)
        self.election = elections.create_election(
            organisation,
            body_id=body_id,
            seat_group_id=group_id,
            close_of_poll=close_of_poll,
            actor=returning_officer,
            now=now,
        )
        self.table = elections.timetable(self.election)
        declare = organisation.constitution.body(body_id).disqualifications
        self.declarations = list(declare)

    def step(self, name, now):
        self.election = elections.transition(self.election, name, actor=self.actor, now=now)

    def open_nominations(self, now=None):
        t = self.table
        self.step("publish_notice", now or t.notice_of_election - timedelta(days=1))
        self.step("open_nominations", now or t.notice_of_election + timedelta(hours=1))

    def nominate(self, candidates, names, statement, supporters=(), now=None):
        """Nominate each candidate (members), proposed and seconded where the rules ask."""
        rules = self.election.organisation.constitution.elections.nominations
        backers = list(supporters)
        for k, (member, name) in enumerate(zip(candidates, names, strict=True)):
            need = rules.proposers + rules.seconders
            chosen = [backers[(k * need + j) % len(backers)] for j in range(need)] if need else []
            elections.nominate(
                self.election,
                member,
                ballot_name=name,
                statement=statement,
                proposers=chosen[: rules.proposers],
                seconders=chosen[rules.proposers :],
                declarations=self.declarations,
                actor=member.display_name,
                now=now or self.table.notice_of_election + timedelta(hours=2),
            )

    def open_poll(self) -> dict[int, str]:
        """Close nominations and withdrawals, freeze the roll, issue codes and open the poll;
        returns each member's voting code by member pk."""
        t = self.table
        self.step("close_nominations", t.nominations_close + timedelta(minutes=1))
        elections.freeze_roll(self.election, actor=self.actor)
        withdrawals = t.withdrawals_close or t.statement_of_nominations or t.nominations_close
        self.step("close_withdrawals", withdrawals + timedelta(minutes=1))
        issued = elections.issue_credentials(self.election, actor=self.actor)
        self.step("open_poll", withdrawals + timedelta(minutes=2))
        return {item.roll_entry.member_id: item.code for item in issued}

    def vote(self, codes, voters, preferences, now=None):
        """Each voter marks the ballot positions in `preferences` (cycled), in that order."""
        rules = elections.ballot_rules(self.election)
        polling = now or self.table.close_of_poll - timedelta(hours=3)
        for k, voter in enumerate(voters):
            order = preferences[k % len(preferences)]
            if rules.ranked:
                raw = {pos: str(i + 1) for i, pos in enumerate(order)}
            else:
                raw = {pos: "X" for pos in order[: rules.most]}
            marks = elections.parse_marks(self.election, raw)
            elections.cast(self.election, codes[voter.pk], marks, now=polling)

    def close_poll(self):
        self.step("close_poll", self.table.close_of_poll + timedelta(minutes=1))

    def declare(self):
        close = self.table.close_of_poll
        self.step("count", close + timedelta(minutes=30))
        self.step("declare", close + timedelta(minutes=60))


def past_close(days: int = 2) -> date:
    """A working day `days` or more ago: a poll that has closed."""
    day = clock.localdate() - timedelta(days=days)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def created_before(close: date) -> datetime:
    return london(close - timedelta(days=150), time(9))
