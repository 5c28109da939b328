"""Helpers for the participation tests: a co-operative council board with members."""

from datetime import date, datetime, time

from mutualise.constitution.calendar import LONDON
from mutualise.register import services as register
from mutualise.register.models import Member, MembershipPeriod

JOINED = date(2025, 1, 1)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def found(model="cooperative-council-board", slug="parks-trust"):
    return register.create_from_model(model=model, name=f"Test {model}", slug=slug, actor="test")


def make_members(
    org, count, *, constituency=None, born=date(1980, 5, 5), area="E09000022", users=()
):
    constituency = constituency or org.constitution.constituencies[0].id
    start = Member.objects.filter(organisation=org).count() + 1
    Member.objects.bulk_create(
        Member(
            organisation=org,
            number=start + i,
            status=Member.Status.ADMITTED,
            constituency_id=constituency,
            display_name=f"Member {start + i}",
            email=f"member{start + i}@example.org",
            postcode="SW2 1AA",
            local_authority_code=area,
            date_of_birth=born,
            applied_on=JOINED,
            admitted_on=JOINED,
            user=users[i] if i < len(users) else None,
        )
        for i in range(count)
    )
    members = list(Member.objects.filter(organisation=org, number__gte=start).order_by("number"))
    MembershipPeriod.objects.bulk_create(
        MembershipPeriod(
            organisation=org, member=m, constituency_id=constituency, started_on=JOINED
        )
        for m in members
    )
    return members
