"""Organisations, members and officers for the elections tests, and a driver that walks an
election through its timetable with an explicit clock (no test depends on today's date)."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from mutualise.constitution import model_path
from mutualise.constitution.calendar import london
from mutualise.counting.methods import METHODS
from mutualise.elections import services
from mutualise.register import services as register
from mutualise.register.models import Member, MembershipPeriod, Role

CLOSE_OF_POLL = date(2027, 6, 15)  # a Tuesday, not a holiday
JOINED = date(2025, 1, 6)
PASSWORD = "correct horse battery staple"


def nhs_rulebook() -> str:
    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    # The NHS Model Election Rules STV count is written by the counting engineer; until it is
    # registered, count with Scottish STV (same Droop quota family, same ballots).
    if "nhs-mer-stv" not in METHODS:
        text = text.replace("method: nhs-mer-stv", "method: scottish-stv")
    return text


def make_members(org, constituency_id: str, n: int, *, class_id: str = "", prefix="Voter"):
    """`n` admitted members, bulk-written through the register's public model fields."""
    with transaction.atomic():
        first = register.reserve_numbers(org, n)
        members = Member.objects.bulk_create(
            [
                Member(
                    organisation=org,
                    number=first + k,
                    status=Member.Status.ADMITTED,
                    constituency_id=constituency_id,
                    class_id=class_id,
                    display_name=f"{prefix} {first + k}",
                    applied_on=JOINED,
                    admitted_on=JOINED,
                )
                for k in range(n)
            ]
        )
        members = list(
            Member.objects.filter(organisation=org, number__gte=first).order_by("number")
        )
        MembershipPeriod.objects.bulk_create(
            [
                MembershipPeriod(
                    organisation=org,
                    member=m,
                    constituency_id=constituency_id,
                    class_id=class_id,
                    started_on=JOINED,
                )
                for m in members
            ]
        )
    return members


def moment(day: date, at: time = time(9, 0)):
    """An aware London datetime, for the explicit clock the services take."""
    return london(day, at)


def make_user(org, username: str, *kinds: str):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    for kind in kinds:
        Role.objects.create(organisation=org, user=user, kind=kind)
    return user


class Driver:
    """Walks one election through its timetable; `at(step)` is a moment just after a deadline."""

    def __init__(self, election, actor):
        self.election = election
        self.actor = actor
        self.table = services.timetable(election)

    def at(self, step: str, minutes: int = 1):
        return getattr(self.table, step) + timedelta(minutes=minutes)

    @property
    def nominating(self):
        return self.table.notice_of_election + timedelta(hours=1)

    def step(self, name: str, now):
        return services.transition(self.election, name, actor=self.actor, now=now)

    def to_nominations(self):
        self.step("publish_notice", self.table.notice_of_election - timedelta(days=1))
        self.step("open_nominations", self.nominating)

    def to_poll(self):
        self.step("close_nominations", self.at("nominations_close"))
        services.freeze_roll(self.election, actor=self.actor)
        withdrawals = self.table.withdrawals_close or self.table.nominations_close
        self.step("close_withdrawals", withdrawals + timedelta(minutes=1))
        issued = services.issue_credentials(self.election, actor=self.actor)
        self.step("open_poll", withdrawals + timedelta(minutes=2))
        return {item.roll_entry.member_id: item.code for item in issued}

    @property
    def polling(self):
        return self.table.close_of_poll - timedelta(hours=2)

    def close_and_count(self):
        self.step("close_poll", self.at("close_of_poll"))
        self.step("count", self.at("close_of_poll", 30))
        return self.step("declare", self.at("close_of_poll", 60))
