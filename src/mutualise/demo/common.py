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

from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualise import clock
from mutualise.clock import PRODUCTION_SETTINGS
from mutualise.constitution.calendar import LONDON, last_year_end, london
from mutualise.meetings import services as meetings
from mutualise.register import services as register
from mutualise.register.models import Organisation, Role
from mutualise.stake import services as stake
from mutualise.web.security import PRIVILEGED_KINDS
from mutualise.web.signin import grouped_secret

from .walk import (  # noqa: F401  (the organisations' modules reach them as common.*)
    Walk,
    close_for_nominations_open,
    created_before,
    past_close,
    polling_day,
    working_day,
)

PASSWORD = "mutual-demo-2026"
CODE_PRINTED = (
    "(its voting code was printed when the demo was first loaded; to start afresh, delete "
    "var/mutualise.sqlite3 and run make demo again)"
)
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


class DemoRefused(RuntimeError):
    """The demo is for demo installs only."""


def allowed() -> bool:
    """Whether this install is a demo install: the settings say MUTUALISE_DEMO = True
    (web/settings_dev.py does; web/settings.py sets False and reads no environment variable for
    it) and the settings module is not the production one."""
    return (
        getattr(settings, "MUTUALISE_DEMO", False) is True
        and getattr(settings, "SETTINGS_MODULE", PRODUCTION_SETTINGS) != PRODUCTION_SETTINGS
    )


def refuse_unless_allowed() -> None:
    if not allowed():
        raise DemoRefused(
            f"the demo loads on demo installs only (DJANGO_SETTINGS_MODULE="
            f"mutualise.web.settings_dev); this install runs {settings.SETTINGS_MODULE}, whose "
            "database must never hold the demo's shared password and superuser"
        )


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
    Only the demo's own devices, on a demo install: a real officer's code never leaves their
    phone."""
    refuse_unless_allowed()
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
        financial_year=(
            _financial_year(organisation, starts)
            if organisation.constitution.meeting_kind(kind).annual
            else None
        ),
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


def _financial_year(organisation, starts: datetime) -> int:
    """The financial year an annual meeting on `starts` reports on: the last to have ended."""
    end = organisation.constitution.organisation.financial_year_end
    return last_year_end(starts.astimezone(LONDON).date(), end.day, end.month).year


def evening(days_ahead: int, hour: int = 19) -> datetime:
    return london(working_day(clock.localdate() + timedelta(days=days_ahead)), time(hour))
