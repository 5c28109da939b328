"""Nominations read the rulebook's limits on service (issue 20 item 5): `Term.max_years`,
`max_terms` and `re_election_allowed`, against the register of office-holders. Changing the
limit in the rulebook changes who may stand."""

from datetime import date, timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment, nhs_rulebook

from mutualise.elections import services
from mutualise.elections.models import OfficeTerm
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
DISQUALIFICATIONS = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
NHS_TERM = "      re_election_allowed: true         # [S]\n      max_years: 9 "


def _nominating(term_rules: str, slug: str, terms: list[tuple[date, date]]):
    text = nhs_rulebook()
    assert NHS_TERM in text
    text = text.replace(NHS_TERM, term_rules + "\n      # ", 1)
    org = register.create_organisation(
        name=f"Trust {slug}", constitution_text=text, source_name="t.yaml", slug=slug, actor="t"
    )
    officer = make_user(org, f"ro-{slug}", Role.Kind.RETURNING_OFFICER)
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-newcastle",
        close_of_poll=CLOSE_OF_POLL,
        actor=officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, officer)
    drive.to_nominations()
    (governor,) = make_members(org, "public-newcastle", 1, prefix="Governor")
    for started, ends in terms:
        OfficeTerm.objects.create(
            organisation=org,
            body_id="council-of-governors",
            seat_group_id="public-newcastle",
            member=governor,
            holder_name=governor.display_name,
            started_on=started,
            ends_on=ends,
        )

    def nominate():
        return services.nominate(
            election, governor, declarations=DISQUALIFICATIONS, actor="x", now=drive.nominating
        )

    return nominate


# Two three-year terms ending the day before the new one would start; then a third.
TWO_TERMS = [(date(2021, 6, 16), date(2024, 6, 16)), (date(2024, 6, 16), date(2027, 6, 16))]
THREE_TERMS = [(date(2018, 6, 16), date(2021, 6, 16)), *TWO_TERMS]


def test_nine_years_served_is_the_limit():
    nominate = _nominating("      max_years: 9", "nine", THREE_TERMS)
    with pytest.raises(services.ElectionError, match="past the rules' 9 years"):
        nominate()


def test_six_years_served_may_stand_again_under_a_nine_year_limit():
    assert _nominating("      max_years: 9", "six", TWO_TERMS)().pk


def test_without_a_limit_a_long_serving_governor_may_stand():
    assert _nominating("      max_years: 30", "thirty", THREE_TERMS)().pk


def test_at_most_two_terms():
    nominate = _nominating("      max_terms: 2", "two", TWO_TERMS)
    with pytest.raises(services.ElectionError, match="has served 2 terms .* the rules allow 2"):
        nominate()


def test_no_re_election():
    nominate = _nominating("      re_election_allowed: false", "once", TWO_TERMS[1:])
    with pytest.raises(services.ElectionError, match="do not allow re-election"):
        nominate()
