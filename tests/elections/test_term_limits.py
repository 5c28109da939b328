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
NEWCASTLE = (
    "    seats:\n"
    "      - {id: public-newcastle, seats: 6, filled_by: elected, electorate: public-newcastle}\n"
)


def _nominating(term_rules: str, slug: str, terms: list[tuple[date, date]], newcastle=NEWCASTLE):
    """`newcastle`: the public-newcastle seat group as the rulebook gives it (with a term of its
    own, say)."""
    text = nhs_rulebook()
    assert NHS_TERM in text and text.count(NEWCASTLE) == 1
    text = text.replace(NHS_TERM, term_rules + "\n      # ", 1).replace(NEWCASTLE, newcastle)
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


# --- a seat group's own term overrides the body's ------------------------------------------

OWN_TERM = """\
    seats:
      - id: public-newcastle
        seats: 6
        filled_by: elected
        electorate: public-newcastle
        term:
          years: 3
          max_terms: 2
"""


def test_a_seat_groups_own_max_terms_refuses_where_the_bodys_term_allows():
    nominate = _nominating("      max_years: 9", "own-two", TWO_TERMS, OWN_TERM)
    with pytest.raises(services.ElectionError, match="has served 2 terms .* the rules allow 2"):
        nominate()


def test_a_seat_groups_own_term_lifts_the_bodys_limit():
    five = OWN_TERM.replace("max_terms: 2", "max_terms: 5")
    assert _nominating("      max_terms: 2", "own-five", TWO_TERMS, five)().pk


def test_a_seat_groups_own_years_and_max_years_decide_the_service_limit():
    """Six years served: another 3-year term reaches the body's 9; the seat group's own 4-year
    terms take it to 10, past its own limit of 9; so do 3-year terms under its limit of 7."""
    four = """\
    seats:
      - id: public-newcastle
        seats: 6
        filled_by: elected
        electorate: public-newcastle
        term:
          years: 4
          max_years: 9
"""
    nominate = _nominating("      max_years: 9", "own-four", TWO_TERMS, four)
    with pytest.raises(services.ElectionError, match="another 4-year term .* past the rules' 9"):
        nominate()
    seven = four.replace("years: 4", "years: 3").replace("max_years: 9", "max_years: 7")
    nominate = _nominating("      max_years: 9", "own-seven", TWO_TERMS, seven)
    with pytest.raises(services.ElectionError, match="another 3-year term .* past the rules' 7"):
        nominate()


def test_a_seat_groups_own_term_may_forbid_re_election():
    """The body allows re-election; the seat group's own term does not."""
    once = """\
    seats:
      - id: public-newcastle
        seats: 6
        filled_by: elected
        electorate: public-newcastle
        term:
          years: 3
          re_election_allowed: false
"""
    nominate = _nominating("      max_years: 9", "own-once", TWO_TERMS[1:], once)
    with pytest.raises(services.ElectionError, match="do not allow re-election"):
        nominate()
