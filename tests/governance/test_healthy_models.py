"""For every model rulebook, an organisation run as its rules say shows no serious finding:
enough members, the annual meeting held in time and quorate, every seat and office filled the
way the rulebook fills it."""

from datetime import date, timedelta

import pytest
from governance_helpers import found, hold_meeting

from mutualise.constitution import available_models
from mutualise.constitution.meetings_rules import quorum_required
from mutualise.governance import checks, services
from mutualise.governance.checks.meetings import _annual, agm_due
from mutualise.register.models import Member, MembershipPeriod

TODAY = date(2026, 5, 1)
FOUNDED = date(2024, 1, 1)
JOINED = date(2024, 2, 1)


def make_members(org, count):
    constituency = org.constitution.constituencies[0].id
    members = Member.objects.bulk_create(
        Member(
            organisation=org,
            number=i + 1,
            status=Member.Status.ADMITTED,
            constituency_id=constituency,
            display_name=f"Member {i + 1}",
            address=f"{i + 1} High Street\nTown",
            postcode="AB1 2CD",
            applied_on=JOINED,
            admitted_on=JOINED,
        )
        for i in range(count)
    )
    members = list(Member.objects.filter(organisation=org).order_by("number"))
    MembershipPeriod.objects.bulk_create(
        MembershipPeriod(
            organisation=org, member=m, constituency_id=constituency, started_on=JOINED
        )
        for m in members
    )
    return members


def fill_every_seat(org, started_on):
    for body in org.constitution.bodies:
        years = body.term.years
        for group in body.seats:
            for n in range(group.seats):
                services.record_existing_holder(
                    org,
                    body_id=body.id,
                    seat_group_id=group.id,
                    how=str(group.filled_by),
                    chosen_by=group.appointer or group.electorate or group.office or "the board",
                    # co-opted since the last AGM: they serve until the next one
                    started_on=TODAY - timedelta(days=5) if group.until_next_agm else started_on,
                    ends_on=started_on.replace(year=started_on.year + years),
                    holder_name=f"{group.id} holder {n + 1}",
                    address="1 Civic Centre, Town",
                    actor="test",
                )
        for office in body.offices:
            services.record_existing_holder(
                org,
                body_id=body.id,
                office_id=office.id,
                how=str(office.filled_by),
                chosen_by=office.electorate or office.appointer or body.id,
                started_on=started_on,
                holder_name=f"{office.id} holder",
                address="1 Civic Centre, Town",
                actor="test",
            )


@pytest.mark.parametrize("model", sorted(available_models()))
def test_a_healthy_organisation_has_no_serious_finding(db, model):
    org = found(model, f"healthy-{model}"[:60], founded=FOUNDED)
    c = org.constitution
    count = max(c.membership.minimum_members or 0, c.meetings.quorum.absolute or 0, 40)
    members = make_members(org, count)
    fill_every_seat(org, date(2025, 6, 1))
    due = agm_due(c, checks.Facts(today=TODAY, founded_on=FOUNDED.replace(day=1)))
    assert due is not None, "an AGM is due at some point in two years"
    held_on = due[0] - timedelta(days=7)
    present = quorum_required(c.meetings, count)
    hold_meeting(
        org,
        kind=_annual(c)[0],
        on=held_on,
        attendees=members[:present],
        financial_year=held_on.year,
    )
    for body in c.bodies:  # each body meets as often as its rules say
        holders = list(services.current_holders(org, TODAY).filter(body_id=body.id))
        for n in range(body.meets_at_least_per_year or 0):
            services.record_body_meeting(
                org,
                body_id=body.id,
                held_on=TODAY - timedelta(days=60 * (n + 1)),
                present=holders,
                actor="test",
            )
    findings = services.check_organisation(org, today=TODAY)
    assert [f for f in findings if f.severity == "serious"] == [], findings
