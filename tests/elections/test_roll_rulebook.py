"""The roll reads the rulebook's voting rules (issue 20 item 5): `membership.voting_minimum_age`
(a building society's minors may join but not vote) and `vote_requires_membership_at_year_end`
(only those who were members at the end of the last financial year). Changing either in the
rulebook changes who is on the roll."""

from datetime import date, timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment, nhs_rulebook

from mutualise.elections import services
from mutualise.register import services as register
from mutualise.register.models import Member, Role

pytestmark = pytest.mark.django_db

AGE = "  voting_minimum_age: 18\n"
YEAR_END = "  vote_requires_membership_at_year_end: true\n"


def _roll(rules: str, slug: str):
    text = nhs_rulebook().replace("membership:\n", "membership:\n" + rules, 1)
    org = register.create_organisation(
        name=f"Trust {slug}", constitution_text=text, source_name="t.yaml", slug=slug, actor="t"
    )
    officer = make_user(org, f"ro-{slug}", Role.Kind.RETURNING_OFFICER)
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, officer)
    drive.to_nominations()
    adult, minor, newcomer = make_members(org, "public-north-tyneside", 3)
    Member.objects.filter(pk__in=[adult.pk, newcomer.pk]).update(date_of_birth=date(1980, 5, 1))
    Member.objects.filter(pk=minor.pk).update(date_of_birth=date(2011, 5, 1))  # 16 at the poll
    # Admitted after the financial year end of 31 March 2027, before the cut-off.
    Member.objects.filter(pk=newcomer.pk).update(admitted_on=date(2027, 4, 20))
    drive.step("close_nominations", drive.at("nominations_close"))
    services.freeze_roll(election, actor=officer)
    on_roll = set(election.roll.values_list("member_id", flat=True))
    return election, officer, on_roll, (adult, minor, newcomer)


def test_without_the_rules_every_member_is_on_the_roll():
    _, _, on_roll, people = _roll("", "plain")
    assert on_roll == {p.pk for p in people}


def test_the_voting_age_leaves_minors_off_the_roll():
    _, _, on_roll, (adult, minor, newcomer) = _roll(AGE, "age")
    assert on_roll == {adult.pk, newcomer.pk}


def test_membership_at_the_year_end_leaves_newcomers_off_the_roll():
    _, _, on_roll, (adult, minor, newcomer) = _roll(YEAR_END, "year-end")
    assert on_roll == {adult.pk, minor.pk}


def test_a_late_correction_cannot_add_a_member_the_rules_leave_off():
    election, officer, on_roll, (adult, minor, newcomer) = _roll(AGE, "correct")
    minor.refresh_from_db()
    with pytest.raises(services.ElectionError, match="Members vote from 18; the member is 1"):
        services.correct_roll(election, minor, add=True, reason="left off", actor=officer)
