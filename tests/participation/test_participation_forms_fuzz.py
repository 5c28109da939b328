"""Issue 11.5 for participation: arbitrary form data posted to the proposal, budget set-up and
settings, voting, console and paper-keying forms, by a member and by the membership secretary,
gets a clear error at the field or a success, never a 500, and a refusal changes nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from participation_helpers import make_members
from post_fuzz import FUZZ, form, post

from mutualise.participation import services
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
COVERS = (
    "participation:index", "participation:budget_new", "participation:budget_settings",
    "participation:budget", "participation:paper", "participation:moderate",
    "participation:delivery_update",
)  # fmt: skip
SETTINGS = [
    "title", "pot", "rule", "greedy_completion", "ballot_kind", "spending_limit",
    "constituency_id", "local_authority_code", "min_projects", "max_projects", "points",
    "max_score", "ranks", "minimum_age", "voting_opens_at_day", "voting_opens_at_month",
    "voting_opens_at_year", "voting_opens_at_time", "voting_closes_at_day",
    "voting_closes_at_month", "voting_closes_at_year", "voting_closes_at_time",
]  # fmt: skip


@pytest.fixture
def budgets(council):
    users = {r: get_user_model().objects.create_user(f"fuzz-{r}") for r in ("member", "officer")}
    make_members(council, 3, users=[users["member"]])
    register.grant_role(council, users["officer"], "officer")
    draft = services.set_up_budget(council, {"title": "Draft", "pot_pence": 5_000_00}, actor="t")
    voting = services.set_up_budget(council, {"title": "Parks", "pot_pence": 10_000_00}, actor="t")
    services.transition(voting, "open_proposals", actor="t")
    for title in ("Benches", "Bins", "Trees"):
        services.add_project(voting, title=title, cost_pence=1_000_00, actor="t")
    services.transition(voting, "start_review", actor="t")
    for project in voting.projects.all():
        services.review_project(project, accept=True, actor="t")
    now = timezone.now()
    services.set_voting_window(voting, now - timedelta(days=1), now + timedelta(days=14), actor="t")
    voting = services.transition(voting, "open_voting", actor="t", now=now)
    base = f"/o/{council.slug}/participation/"
    return {"users": users, "draft": draft, "voting": voting, "base": base}


@FUZZ
@given(
    role=st.sampled_from(["member", "officer"]),
    data=form(["title", "text", "cost", "proposal"], ["support", "propose", ""]),
)
def test_the_proposal_forms_never_fail(client, budgets, role, data):
    client.force_login(budgets["users"][role])
    post(client, budgets["base"], data)


@FUZZ
@given(data=form(SETTINGS))
def test_the_budget_set_up_and_settings_forms_never_fail(client, budgets, data):
    client.force_login(budgets["users"]["officer"])
    post(client, budgets["base"] + "budgets/new/", data)
    post(client, budgets["base"] + f"budgets/{budgets['draft'].pk}/settings/", data)


@FUZZ
@given(
    role=st.sampled_from(["member", "officer"]),
    data=form(
        ["project", "rank_1", "rank_2", "points_P1", "points_P2", "decision", "reason"],
        ["", "review", "count", "close_voting", "nonsense"],
    ),
)
def test_the_ballot_and_console_never_fail(client, budgets, role, data):
    client.force_login(budgets["users"][role])
    post(client, budgets["base"] + f"budgets/{budgets['voting'].pk}/", data)


@FUZZ
@given(data=form(["member", "project", "rank_1", "points_P1"], ["", "discard", "key"]))
def test_paper_keying_never_fails(client, budgets, data):
    client.force_login(budgets["users"]["officer"])
    post(client, budgets["base"] + f"budgets/{budgets['voting'].pk}/paper/", data)


@FUZZ
@given(
    role=st.sampled_from(["member", "officer"]),
    moderate=form(["reason"]),
    update=form(["status", "progress", "text", "responsible", "dropped_reason"]),
)
def test_the_moderation_and_delivery_update_forms_never_fail(
    client, budgets, council, role, moderate, update
):
    # Made afresh for each example: the fixture is shared by all of hypothesis's examples.
    member = council.members.filter(user=budgets["users"]["member"]).first()
    proposal = services.submit_proposal(council, member, title="Swings", text="For the park")
    delivery = services.record_decision(
        council, source="resolution", source_ref=f"AGM motion {proposal.pk}", title="Plant trees"
    )
    client.force_login(budgets["users"][role])
    post(client, budgets["base"] + f"proposals/{proposal.pk}/moderate/", moderate)
    post(client, budgets["base"] + f"delivery/{delivery.pk}/update/", update)


@pytest.mark.parametrize("pot", ["²", "9" * 5000, "1e400"])
def test_a_pot_in_odd_digits_is_a_clear_error(client, budgets, pot):
    client.force_login(budgets["users"]["officer"])
    answer = post(client, budgets["base"] + "budgets/new/", {"title": "New", "pot": pot})
    assert answer.status_code == 400 and "Enter the pot in pounds" in answer.content.decode()


@pytest.mark.parametrize("cost", ["inf", "1e400", "9" * 5000, "²"])
def test_a_proposals_cost_in_odd_digits_is_a_clear_error(client, budgets, cost):
    client.force_login(budgets["users"]["member"])
    answer = post(
        client, budgets["base"], {"title": "Swings", "text": "For the park", "cost": cost}
    )
    assert (
        answer.status_code == 400 and "enter an amount in pounds" in answer.content.decode().lower()
    )
