"""Dates an election computes come from constitution/calendar.py (issue 20 item 5): a term
starting on 29 February ends on 28 February of a common year (it raised before), and
retirement by rotation counts with the rulebook's `Rotation.retiring`, exact fractions."""

from datetime import date, timedelta

import pytest
from election_helpers import Driver, make_members, moment

from mutualise.constitution.calendar import age_on
from mutualise.elections import services
from mutualise.elections.models import OfficeTerm

pytestmark = pytest.mark.django_db
DISQUALIFICATIONS = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


def test_a_term_starting_on_29_february_ends_on_28_february(nhs_org, returning_officer):
    close_of_poll = date(2028, 2, 28)  # a Monday; the terms start the next day, 29 February
    election = services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id="public-newcastle",
        close_of_poll=close_of_poll,
        actor=returning_officer,
        now=moment(close_of_poll - timedelta(days=120)),
    )
    drive = Driver(election, returning_officer)
    drive.to_nominations()
    (only,) = make_members(nhs_org, "public-newcastle", 1, prefix="Lone")
    services.nominate(
        election, only, declarations=DISQUALIFICATIONS, actor="x", now=drive.nominating
    )
    drive.step("close_nominations", drive.at("nominations_close"))
    services.freeze_roll(election, actor=returning_officer)
    drive.step("close_withdrawals", drive.at("withdrawals_close"))
    drive.step("declare_uncontested", drive.at("withdrawals_close", 5))
    term = OfficeTerm.objects.get(election=election)
    years = nhs_org.constitution.body("council-of-governors").term.years
    assert term.started_on == date(2028, 2, 29)
    assert term.ends_on == date(2028 + years, 2, 28)


@pytest.mark.pure
def test_a_29_february_birthday_comes_on_1_march_in_a_common_year():
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_on(born, date(2026, 3, 1)) == 18
    assert age_on(born, date(2028, 2, 29)) == 20
