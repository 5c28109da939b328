"""NHS-10 from the register: members by constituency beside an uploaded population table."""

from datetime import date

import pytest
from governance_helpers import found

from mutualise.governance import services
from mutualise.register import services as register
from mutualise.register.models import Member, MembershipPeriod


def members(org, constituency, count, start):
    made = [
        Member(
            organisation=org,
            number=start + i,
            status="admitted",
            constituency_id=constituency,
            display_name=f"M{start + i}",
            address="1 Row",
            applied_on=date(2025, 1, 1),
            admitted_on=date(2025, 1, 1),
        )
        for i in range(count)
    ]
    Member.objects.bulk_create(made)
    MembershipPeriod.objects.bulk_create(
        MembershipPeriod(
            organisation=org, member=m, constituency_id=constituency, started_on=date(2025, 1, 1)
        )
        for m in Member.objects.filter(organisation=org, constituency_id=constituency)
    )


@pytest.mark.parametrize("gateshead, fires", [(9, False), (8, False), (7, True)])
def test_nhs10_from_the_register(db, gateshead, fires):
    # Population 50/50. Members: 12 in Newcastle and g in Gateshead: Gateshead's ratio is
    # (g / (12 + g)) / 0.5; at g = 8 it is 0.8 exactly (8 of 20 = 40%).
    org = found("nhs-foundation-trust", f"ft-{gateshead}")
    members(org, "public-newcastle", 12, 1)
    members(org, "public-gateshead", gateshead, 100)
    register.upload_population(
        org,
        b"dimension,category,people\nconstituency,public-newcastle,5000\n"
        b"constituency,public-gateshead,5000\n",
        "census.csv",
        actor="test",
    )
    findings = [f for f in services.check_organisation(org) if f.id == "NHS-10"]
    assert bool(findings) is fires
    if fires:
        assert "Public constituency - Gateshead (constituency)" in findings[0].statement
        assert findings[0].rule == "membership.representation_threshold: 80%"
