"""What a person can type or post into the participation pages: each bad value gets the form
back with the reason at its field (400) or "no such item" (404), never a server error (500),
on either database. A success is shown once."""

import pytest
from django.test import Client
from participation_helpers import make_members
from test_participation_pages import voting_budget  # noqa: F401  (a fixture)

from mutualise.participation.models import Proposal


@pytest.fixture
def member_client(council, django_user_model):
    user = django_user_model.objects.create_user("ann", password="pw")
    make_members(council, 1, users=[user])
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("cost", "status"),
    [
        ("inf", 400),
        ("1e30", 400),
        ("nan", 400),
        ("99999999999999999999999", 400),
        ("1²", 400),
        ("-5", 400),
        ("1,200.5", 302),
    ],
)
def test_a_proposal_cost_is_pounds_or_the_reason(council, member_client, cost, status):
    url = f"/o/{council.slug}/participation/"
    response = member_client.post(url, {"title": "Benches", "text": "By the pond", "cost": cost})
    assert response.status_code == status
    if status == 400:
        assert "enter an amount in pounds" in response.content.decode().lower()
        assert not Proposal.objects.exists()
    else:
        assert Proposal.objects.get().cost_pence == 1_200_50


def test_a_proposal_title_too_long_for_its_column_is_refused(council, member_client):
    url = f"/o/{council.slug}/participation/"
    response = member_client.post(url, {"title": "t" * 201, "text": "y"})
    assert response.status_code == 400
    assert "keep the title to 200 characters" in response.content.decode().lower()


@pytest.mark.parametrize("pk", ["abc", "1.5", "99999999999999999999999", ""])
def test_supporting_no_such_proposal_is_not_found(council, member_client, pk):
    url = f"/o/{council.slug}/participation/"
    assert member_client.post(url, {"action": "support", "proposal": pk}).status_code == 404


def test_points_typed_oddly_are_a_reason(council, member_client, voting_budget):  # noqa: F811
    voting_budget.ballot_kind = "cumulative"
    voting_budget.save(update_fields=["ballot_kind"])
    url = f"/o/{council.slug}/participation/budgets/{voting_budget.pk}/"
    response = member_client.post(url, {"points_P1": "²"})
    assert response.status_code == 400
    assert "must be a whole number" in response.content.decode()


def test_a_vote_is_thanked_once(council, member_client, voting_budget):  # noqa: F811
    url = f"/o/{council.slug}/participation/budgets/{voting_budget.pk}/"
    done = member_client.post(url, {"project": ["P1"]}, follow=True)
    assert done.content.decode().count("Your vote is in") == 1
