"""What every demo organisation is built from: its officers and their sign-ins, members joined
through the register's services, an election walked along its timetable, a meeting on notice or
in session, and shares held through the stake app.

Everything goes through the apps' services, as a real organisation's would. The exceptions, where
no service exists: demo users are made with Django's user manager (accounts are not an app's verb),
and their authenticator devices are enrolled directly so the printout can show their keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualise import clock
from mutualise.constitution.calendar import election_timetable, london
from mutualise.elections import services as elections
from mutualise.meetings import services as meetings
from mutualise.register import services as register
from mutualise.register.models import Organisation, Role
from mutualise.stake import services as stake
from mutualise.web.security import PRIVILEGED_KINDS
from mutualise.web.signin import grouped_secret

PASSWORD = "mutual-demo-2026"
FIRST = [
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Effie",
    "Finn",
    "Grace",
    "Hari",
    "Isla",
    "Jon",
    "Kemi",
    "Liam",
    "Maya",
    "Nia",
    "Omar",
    "Priya",
    "Rhys",
    "Sana",
    "Tom",
    "Una",
    "Vik",
    "Wren",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Adams",
    "Bell",
    "Carter",
    "Dunn",
    "Ellis",
    "Foster",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lowe",
    "Moss",
    "Nash",
    "Owen",
    "Patel",
    "Quinn",
    "Reid",
    "Shah",
    "Todd",
]
ROLE_WORDS = {
    Role.Kind.OFFICER: "membership secretary",
    Role.Kind.RETURNING_OFFICER: "returning officer",
    Role.Kind.CHAIR: "chair",
    Role.Kind.ADMINISTRATOR: "administrator",
    Role.Kind.BOARD: "board member",
}


@dataclass
class DemoInfo:
    """What `make demo` prints for one organisation."""

    organisation: Organisation
    sign_ins: list[tuple[str, str]] = field(default_factory=list)  # (username, what they are)
    todo: str = ""  # one thing to do now, in words
    todo_path: str = ""  # ... and where, under the organisation's address
    notes: list[str] = field(default_factory=list)
    voting_code: str = ""
    two_factor: dict[str, str] = field(default_factory=dict)  # username -> authenticator key
    member_user: str = ""
    officer_user: str = ""

    @property
    def usernames(self) -> list[str]:
        return [name for name, _ in self.sign_ins]

    def url(self, address: str, path: str = "") -> str:
        return f"{address}o/{self.organisation.slug}/{path}"

    def describe(self, address: str) -> str:
        lines = [self.organisation.name, f"  open      {self.url(address)}"]
        for name, what in self.sign_ins:
            extra = f", 2FA key {self.two_factor[name]}" if name in self.two_factor else ""
            lines.append(f"  sign in   {name!r} ({what}){extra}")
        if self.todo:
            lines.append(f"  do now    {self.todo}: {self.url(address, self.todo_path)}")
        if self.voting_code:
            lines.append(f"  vote      with the voting code {self.voting_code}")
        lines.append(f"  outbox    {self.url(address, 'outbox/')} (the mail sent, as an officer)")
        return "\n".join(lines + [f"  {note}" for note in self.notes])


def found(model: str, name: str, slug: str) -> tuple[Organisation, bool]:
    """The demo organisation, created from its model rulebook if it is not there yet."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is not None:
        return organisation, False
    return register.create_from_model(model=model, name=name, slug=slug, actor="demo"), True


def user(username: str):
    """A demo sign-in (Django's user manager: no app owns accounts)."""
    User = get_user_model()
    account = User.objects.filter(username=username).first()
    if account is None:
        account = User.objects.create_user(username=username, password=PASSWORD)
    return account


def officers(organisation, info: DemoInfo, people: list[tuple[str, str]]) -> dict:
    """Grant each (username, role) its role; privileged ones get an enrolled authenticator."""
    made = {}
    for username, kind in people:
        account = user(username)
        register.grant_role(organisation, account, kind, actor="demo")
        info.sign_ins.append((username, ROLE_WORDS.get(kind, kind)))
        if kind in PRIVILEGED_KINDS:
            info.two_factor[username] = authenticator(account)
        made[kind] = account
    info.officer_user = people[0][0]
    return made


def authenticator(account) -> str:
    """The demo officer's second factor, already enrolled; returns its key for the printout."""
    device = TOTPDevice.objects.filter(user=account, name="demo").first()
    if device is None:
        device = TOTPDevice.objects.create(user=account, name="demo", confirmed=True)
    return grouped_secret(device)


def current_code(username: str) -> str:
    """What a demo officer's authenticator app shows now (for `mutualise demo --code USER`).
    Only the demo's own devices: a real officer's code never leaves their phone."""
    device = TOTPDevice.objects.filter(user__username=username, name="demo").first()
    if device is None:
        raise LookupError(f"{username!r} is not a demo officer with a demo authenticator")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def join_many(
    organisation,
    constituency_id: str,
    count: int,
    *,
    rng: random.Random,
    postcodes=("",),
    on: date = date(2025, 4, 1),
    first_user=None,
    born=(1950, 2005),
    **details,
) -> list:
    """`count` members of one constituency, joined (and admitted, if the board admits) through
    the register's services; the first may be given a sign-in."""
    made = []
    attestations = [
        a.id
        for a in organisation.constitution.constituency(constituency_id).eligibility.attestations
    ]
    for k in range(count):
        member = register.join(
            organisation,
            actor="demo",
            constituency_id=constituency_id,
            user=first_user if k == 0 else None,
            display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            date_of_birth=date(
                rng.randrange(born[0], min(born[1], on.year - 18)), rng.randrange(1, 13), 1 + k % 28
            ),  # fmt: skip
            postcode=postcodes[k % len(postcodes)],
            address=f"{1 + k} {rng.choice(LAST)} Road" if postcodes[0] else "",
            email=f"{organisation.slug}-{constituency_id}-{k + 1}@example.org" if k % 4 else "",
            contact_channel="email" if k % 4 else "post",
            attestations=attestations,
            allow_duplicate=True,
            on=on,
            **details,
        )
        if member.status == member.Status.APPLIED:  # the board admits
            register.admit(member, actor="demo", on=on + timedelta(days=7))
        made.append(member)
    return made


def hold_shares(organisation, members, pence, *, on: date, reference: str = "") -> None:
    """Each member's shares, allotted through the stake ledger (`pence` an amount or a list)."""
    for k, member in enumerate(members):
        amount = pence[k % len(pence)] if isinstance(pence, (list, tuple)) else pence
        stake.record_movement(
            organisation, member, "allotment", amount, on=on, actor="demo", reference=reference
        )


# --- elections ---------------------------------------------------------------------------------


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


# --- meetings ----------------------------------------------------------------------------------


def meeting_on_notice(organisation, secretary, *, kind, title, starts, place, resolutions,
                      online=False, advance_voting=False, now=None):  # fmt: skip
    """A meeting with its agenda, notice given (now, or at `now`)."""
    meeting = meetings.create_meeting(
        organisation,
        kind=kind,
        title=title,
        starts_at=starts,
        place=place,
        online=online,
        financial_year=_financial_year(starts) if kind in ("agm", "annual-members") else None,
        actor=secretary,
    )
    for resolution_title, text, kind_id in resolutions:
        meetings.add_resolution(
            meeting,
            title=resolution_title,
            text=text,
            kind_id=kind_id,
            advance_voting=advance_voting,
            actor=secretary,
        )
    return meetings.call_meeting(meeting, actor=secretary, now=now)


def meeting_in_session(organisation, secretary, chair, present, **details):
    """A meeting that started an hour ago (notice given weeks before), opened by the chair,
    with `present` members checked in."""
    starts = clock.now() - timedelta(hours=1)
    meeting = meeting_on_notice(
        organisation, secretary, starts=starts, now=starts - timedelta(days=30), **details
    )
    meeting = meetings.open_meeting(meeting, actor=chair, now=starts)
    meetings.check_in_many(meeting, present, actor=chair, now=starts + timedelta(minutes=5))
    return meeting


def _financial_year(starts: datetime) -> int:
    return starts.year - 1


def evening(days_ahead: int, hour: int = 19) -> datetime:
    return london(working_day(clock.localdate() + timedelta(days=days_ahead)), time(hour))
