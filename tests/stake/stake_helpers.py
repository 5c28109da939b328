"""Helpers for the stake tests: an organisation from a model rulebook, with admitted members."""

from datetime import date

from mutualise.register import services as register
from mutualise.register.models import Member

JOINED = date(2024, 1, 1)


def found(model="community-energy-coop", slug="sunny-energy"):
    return register.create_from_model(model=model, name=f"Test {model}", slug=slug, actor="test")


def make_members(org, count, *, joined=JOINED):
    constituency = org.constitution.constituencies[0].id
    start = Member.objects.filter(organisation=org).count() + 1
    Member.objects.bulk_create(
        Member(
            organisation=org,
            number=start + i,
            status=Member.Status.ADMITTED,
            constituency_id=constituency,
            display_name=f"Member {start + i}",
            address="1 High Street",
            postcode="SW2 1AA",
            email=f"member{start + i}@example.org",
            applied_on=joined,
            admitted_on=joined,
        )
        for i in range(count)
    )
    return list(Member.objects.filter(organisation=org, number__gte=start).order_by("number"))
