"""The demo organisation `make demo` serves: an NHS foundation trust with members, a declared
governor election (stage table, chart, published ballots), a poll open now with a voting code to
try, and an annual members' meeting on notice. Officers to sign in as.

Everything goes through the apps' services, as a real trust's would; the election timetables are
walked with an explicit clock, so the earlier steps are dated in the past. Loading is idempotent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualise.constitution.calendar import london
from mutualise.elections import services as elections
from mutualise.meetings import services as meetings
from mutualise.register import services
from mutualise.register.models import Organisation, Role

from .security import PRIVILEGED_KINDS
from .signin import grouped_secret

DEMO_SLUG = "northshire-nhs-ft"
DEMO_NAME = "Northshire Community Health NHS Foundation Trust"
DEMO_PASSWORD = "mutual-demo-2026"
DEMO_USERS = [
    ("secretary", Role.Kind.OFFICER),
    ("returning-officer", Role.Kind.RETURNING_OFFICER),
    ("chair", Role.Kind.CHAIR),
    ("admin", Role.Kind.ADMINISTRATOR),
]
MEMBER_USER = "member"

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
]
AREAS = {
    "public-newcastle": ["NE1 4LP", "NE2 1AB", "NE3 2DT", "NE4 5PL", "NE6 1SA"],
    "public-gateshead": ["NE8 1HH", "NE9 5AX", "NE10 0AB", "NE11 9BJ"],
    "public-north-tyneside": ["NE25 8BT", "NE26 1QJ", "NE28 7LA", "NE30 4RG"],
}
DECLARED_CLOSE = date(2026, 10, 20)  # a Tuesday: the declared Gateshead election
PREFERENCES = [  # (voters, marks by ballot position) for the declared election
    (19, {1: "1", 2: "2"}),
    (15, {2: "1", 3: "2", 1: "3"}),
    (11, {3: "1", 2: "2"}),
    (8, {4: "1", 3: "2", 2: "3"}),
    (5, {5: "1", 4: "2"}),
]


@dataclass
class DemoInfo:
    organisation: Organisation
    usernames: list[str]
    voting_code: str = ""
    notes: list[str] = field(default_factory=list)
    two_factor: dict[str, str] = field(default_factory=dict)  # username -> authenticator key

    def describe(self, address: str) -> str:
        org = f"{address}o/{self.organisation.slug}/"
        lines = [
            f"mutualise demo: {self.organisation.name}",
            f"  open      {org}",
            f"  sign in   {address}accounts/login/",
        ]
        lines += [
            f"            user {name!r}, password {DEMO_PASSWORD!r}" for name in self.usernames
        ]
        if self.two_factor:
            lines.append(
                f"  2FA       {', '.join(self.two_factor)} also need a code after the password: "
                "add their key to an authenticator app,"
            )
            lines.append(
                "            or print the current code: .venv/bin/mutualise demo --code USER"
            )
            lines += [f"            {name}: key {key}" for name, key in self.two_factor.items()]
        if self.voting_code:
            lines.append(f"  vote      {org}elections/ with the voting code {self.voting_code}")
        lines.append(
            f"  outbox    {org}outbox/ (the mail sent, as the officers; demo installs only)"
        )
        return "\n".join(lines + [f"  {note}" for note in self.notes])


def load() -> DemoInfo:
    with transaction.atomic():  # all or nothing, so a failed load can simply be run again
        return _load()


def _load() -> DemoInfo:
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    fresh = organisation is None
    if fresh:
        organisation = services.create_from_model(
            model="nhs-foundation-trust", name=DEMO_NAME, slug=DEMO_SLUG, actor="demo"
        )
    User = get_user_model()
    for username, kind in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        services.grant_role(organisation, user, kind, actor="demo")
    info = DemoInfo(organisation, [u for u, _ in DEMO_USERS] + [MEMBER_USER])
    for username, kind in DEMO_USERS:
        if kind in PRIVILEGED_KINDS:
            info.two_factor[username] = _authenticator(User.objects.get(username=username))
    if fresh:
        returning_officer = User.objects.get(username="returning-officer")
        _members(organisation)
        _declared_election(organisation, returning_officer)
        info.voting_code = _open_election(organisation, returning_officer)
        _annual_members_meeting(organisation, User.objects.get(username="secretary"))
    else:
        info.notes.append(
            "(loaded before: the demo voting code was printed then; to start afresh, "
            "delete var/mutualise.sqlite3 and run make demo again)"
        )
    from mutualise.participation import demo as participation_demo  # the council's budget

    info.notes.append(participation_demo.load(DEMO_PASSWORD))
    return info


def _authenticator(user) -> str:
    """The demo officer's second factor, already enrolled; returns its key for the printout."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"confirmed": True}
    )
    return grouped_secret(device)


def current_code(username: str) -> str:
    """What a demo officer's authenticator app shows now (for `mutualise demo --code USER`).
    Only the demo's own devices: a real officer's code never leaves their phone."""
    device = TOTPDevice.objects.filter(user__username=username, name="demo").first()
    if device is None:
        raise LookupError(f"{username!r} is not a demo officer with a demo authenticator")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _members(organisation) -> None:
    rng = random.Random(2026)
    User = get_user_model()
    user = User.objects.create_user(username=MEMBER_USER, password=DEMO_PASSWORD)
    n = 0
    for constituency_id, postcodes in AREAS.items():
        for k in range(60):
            n += 1
            member = services.join(
                organisation,
                actor="demo",
                constituency_id=constituency_id,
                user=user if n == 1 else None,
                display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                date_of_birth=date(1940 + rng.randrange(60), rng.randrange(1, 13), 1 + k % 28),
                postcode=postcodes[k % len(postcodes)],
                address=f"{1 + k} Demo Street",
                email=f"member{n}@example.org" if k % 3 else "",
                contact_channel="email" if k % 3 else "post",
                on=date(2025, 4, 1),
            )
            if member.status == member.Status.APPLIED:  # this rulebook has the board admit
                services.admit(member, actor="demo", on=date(2025, 4, 8))


class _Walk:
    """Walks one election through its timetable with an explicit clock."""

    def __init__(self, election, actor):
        self.election, self.actor = election, actor
        self.table = elections.timetable(election)

    def step(self, name, now):
        self.election = elections.transition(self.election, name, actor=self.actor, now=now)

    def to_poll(self) -> dict[int, str]:
        t = self.table
        self.step("publish_notice", t.notice_of_election - timedelta(days=1))
        self.step("open_nominations", t.notice_of_election + timedelta(hours=1))
        return {}

    def after_nominations(self) -> dict[int, str]:
        t = self.table
        self.step("close_nominations", t.nominations_close + timedelta(minutes=1))
        elections.freeze_roll(self.election, actor=self.actor)
        withdrawals = t.withdrawals_close or t.nominations_close
        self.step("close_withdrawals", withdrawals + timedelta(minutes=1))
        issued = elections.issue_credentials(self.election, actor=self.actor)
        self.step("open_poll", withdrawals + timedelta(minutes=2))
        return {item.roll_entry.member_id: item.code for item in issued}


def _nominate(walk, members, names, statement):
    for member, name in zip(members, names, strict=False):
        elections.nominate(
            walk.election,
            member,
            ballot_name=name,
            statement=statement,
            declarations=[
                "an undischarged bankrupt",
                "sentenced to prison for 3 months or more in the last 5 years",
            ],
            actor=member.display_name,
            now=walk.table.notice_of_election + timedelta(hours=2),
        )


def _constituency_members(organisation, constituency_id):
    return list(services.active_members(organisation, constituency_id=constituency_id))


def _declared_election(organisation, returning_officer) -> None:
    election = elections.create_election(
        organisation,
        body_id="council-of-governors",
        seat_group_id="public-gateshead",
        close_of_poll=DECLARED_CLOSE,
        actor=returning_officer,
        now=london(DECLARED_CLOSE - timedelta(days=120), time(9)),
    )
    walk = _Walk(election, returning_officer)
    walk.to_poll()
    members = _constituency_members(organisation, "public-gateshead")
    names = ["Aisha Rahman", "Brian Scott", "Carol Tait", "Derek Usher", "Elena Vance"]
    _nominate(walk, members[:5], names, "I will make sure Gateshead patients are heard.")
    codes = walk.after_nominations()
    polling = walk.table.close_of_poll - timedelta(hours=3)
    voters = iter(members)
    for times, raw in PREFERENCES:
        for _ in range(times):
            voter = next(voters)
            marks = elections.parse_marks(walk.election, raw)
            elections.cast(walk.election, codes[voter.pk], marks, now=polling)
    close = walk.table.close_of_poll
    walk.step("close_poll", close + timedelta(minutes=1))
    walk.step("count", close + timedelta(minutes=30))
    walk.step("declare", close + timedelta(minutes=60))


def _open_election(organisation, returning_officer) -> str:
    """A poll open now, closing in about a week; returns the demo member's voting code."""
    close = timezone.localdate() + timedelta(days=7)
    while close.weekday() >= 5:
        close += timedelta(days=1)
    election = elections.create_election(
        organisation,
        body_id="council-of-governors",
        seat_group_id="public-newcastle",
        close_of_poll=close,
        actor=returning_officer,
        now=london(close - timedelta(days=120), time(9)),
    )
    walk = _Walk(election, returning_officer)
    walk.to_poll()
    members = _constituency_members(organisation, "public-newcastle")
    names = [
        "Farah Ali", "George Hall", "Hannah Ives", "Ian Jarvis",
        "Joy Kerr", "Karl Lund", "Lena Marsh", "Mo Nolan",
    ]  # fmt: skip
    _nominate(walk, members[-len(names) :], names, "Shorter waits and better care close to home.")
    codes = walk.after_nominations()
    demo_member = next(m for m in members if m.user_id is not None)
    return codes[demo_member.pk]


def _annual_members_meeting(organisation, secretary) -> None:
    starts = timezone.localdate() + timedelta(days=30)
    meeting = meetings.create_meeting(
        organisation,
        kind="annual-members",
        title=f"Annual members' meeting {starts.year}",
        starts_at=london(starts, time(18, 30)),
        place="Lecture theatre, Northshire General Hospital",
        online=True,
        financial_year=starts.year if starts.month > 3 else starts.year - 1,
        actor=secretary,
    )
    meetings.add_resolution(
        meeting,
        title="Annual report and accounts",
        text="That the annual report and accounts for the year to 31 March be received.",
        kind_id="ordinary",
        advance_voting=True,
        actor=secretary,
    )
    meetings.call_meeting(meeting, actor=secretary)
