"""Helpers for the meetings tests: organisations, members and meetings.

Members are written straight into the register's public tables (a Member and its open
MembershipPeriod) rather than through `register.services.join`: these tests are about meetings,
and every shipped rulebook has different eligibility facts to satisfy.
"""

from datetime import date, datetime, time, timedelta

from mutualise.constitution.calendar import LONDON
from mutualise.meetings import services
from mutualise.register import services as register
from mutualise.register.models import Member, MembershipPeriod

JOINED = date(2025, 1, 1)
MEETING_DAY = date(2026, 9, 15)


def at(day: date, hour: int = 19) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def found(model: str, slug: str | None = None):
    return register.create_from_model(model=model, name=f"Test {model}", slug=slug, actor="test")


def make_members(org, count: int, *, users=()) -> list[Member]:
    constituency = org.constitution.constituencies[0].id
    start = Member.objects.filter(organisation=org).count() + 1
    members = Member.objects.bulk_create(
        Member(
            organisation=org,
            number=start + i,
            status=Member.Status.ADMITTED,
            constituency_id=constituency,
            display_name=f"Member {start + i}",
            email=f"member{start + i}@example.org",
            contact_channel=Member.Channel.EMAIL if i % 2 else Member.Channel.POST,
            address=f"{start + i} High Street\nTown",
            postcode="AB1 2CD",
            applied_on=JOINED,
            admitted_on=JOINED,
            user=users[i] if i < len(users) else None,
        )
        for i in range(count)
    )
    if not all(m.pk for m in members):  # backends without RETURNING
        members = list(
            Member.objects.filter(organisation=org, number__gte=start).order_by("number")
        )
    MembershipPeriod.objects.bulk_create(
        MembershipPeriod(
            organisation=org, member=m, constituency_id=constituency, started_on=JOINED
        )
        for m in members
    )
    return members


def new_meeting(org, *, kind="general", day=MEETING_DAY, online=True, **extra):
    return services.create_meeting(
        org,
        kind=kind,
        title=f"{kind} meeting {day}",
        starts_at=at(day),
        place="Village Hall",
        online=online,
        financial_year=extra.pop(
            "financial_year", day.year if kind in ("agm", "annual-members") else None
        ),
        actor="test",
        **extra,
    )


def notice_day(meeting) -> datetime:
    """The last lawful moment to give notice of the meeting (noon on the last day)."""
    from mutualise.meetings.facts import notice_days

    return at(meeting.date - timedelta(days=notice_days(meeting) + 1), 12)
