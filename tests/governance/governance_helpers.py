"""Helpers for the governance tests: organisations with a history (founded in the past),
members admitted through the register's services, meetings held through the meetings app's."""

from datetime import date, datetime, time, timedelta

from mutualise.constitution.calendar import LONDON
from mutualise.meetings import services as meetings
from mutualise.register import services as register
from mutualise.register.models import Organisation


def at(day: date, hour: int = 19) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def found(model: str, slug: str, *, founded: date = date(2024, 1, 1)):
    org = register.create_from_model(model=model, name=f"Test {slug}", slug=slug, actor="test")
    Organisation.objects.filter(pk=org.pk).update(created_at=at(founded, 9))
    return Organisation.objects.get(pk=org.pk)


def admit(org, names, *, on: date, born: date = date(1980, 1, 1)):
    members = []
    for name in names:
        member = register.join(
            org,
            actor="test",
            on=on,
            display_name=name,
            date_of_birth=born,
            address=f"{len(members) + 1} Mill Lane\nTown",
            postcode="NE1 6EE",
            email=f"{name.split()[0].lower()}@example.org",
            attestations=["supports-objects"],
        )
        if member.status == "applied":
            register.admit(member, actor="test", on=on)
        members.append(member)
    return members


def hold_meeting(org, *, kind: str, on: date, attendees=(), financial_year=None):
    """Give notice on time (14 clear days and a day), open, check everyone in, close."""
    meeting = meetings.create_meeting(
        org,
        kind=kind,
        title=f"{kind} {on}",
        starts_at=at(on),
        place="Village Hall",
        online=False,
        financial_year=financial_year,
        actor="test",
    )
    from mutualise.meetings.facts import notice_days

    notice = at(on - timedelta(days=notice_days(meeting) + 2), 12)
    meetings.call_meeting(meeting, actor="test", now=notice)
    meetings.open_meeting(meeting, actor="test", now=at(on, 19))
    for member in attendees:
        meetings.check_in(meeting, member, actor="test", now=at(on, 19))
    meetings.close_meeting(meeting, actor="test", now=at(on, 21))
    return meeting
