"""Issue 11.5 for the chair's election pages: co-opting to a seat an election left unfilled
and the casting vote in a tie. Arbitrary values, posted by the board or chair and by someone
who may not act, never give a 500, and a refusal changes nothing."""

import pytest
from election_helpers import make_user
from hypothesis import given
from hypothesis import strategies as st
from post_fuzz import FUZZ, form, has_nul, post
from test_election_rulebook_fields import (
    NAMES,
    TIED,
    _declared_with_one_for_three,
    _election,
    _org,
    _poll,
    _to_withdrawals_closed,
)

from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
COVERS = ("elections:co_opt", "elections:casting_vote")
R = Role.Kind


@pytest.fixture
def co_opting():
    org = _org("f-coopt", unfilled_seats="co-opted")
    election, _ = _declared_with_one_for_three(org)
    users = {"board": make_user(org, "board-f", R.BOARD), "member": make_user(org, "plain-f")}
    return f"/o/{org.slug}/elections/{election.pk}/co-opt/", users


@pytest.fixture
def tied():
    org = _org("f-cast", ties="chair-casting-vote")
    election, drive, ro = _election(org, NAMES, voters=30)
    _to_withdrawals_closed(drive, ro)
    election = _poll(drive, ro, TIED)
    users = {
        "board": make_user(org, "chair-f", R.CHAIR),
        "member": make_user(org, "board-g", R.BOARD),
    }
    return f"/o/{org.slug}/elections/{election.pk}/casting-vote/", users


@FUZZ
@given(data=form(["number", "confirm"]), who=st.sampled_from(["board", "member"]))
def test_co_opting_never_fails(client, co_opting, data, who):
    url, users = co_opting
    client.force_login(users[who])
    answer = post(client, url, data)
    assert who == "board" or has_nul(data) or answer.status_code == 403


@FUZZ
@given(data=form(["candidate", "confirm"]), who=st.sampled_from(["board", "member"]))
def test_the_casting_vote_never_fails(client, tied, data, who):
    url, users = tied
    client.force_login(users[who])
    answer = post(client, url, data)
    assert who == "board" or has_nul(data) or answer.status_code == 403
