"""The participation pages through Django's test client: public results and delivery, a member's
vote with errors shown in the summary, proposals made and supported from the page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from participation_helpers import make_members

from mutualise.budgeting.pb import parse_pb
from mutualise.participation import services
from mutualise.participation.models import BudgetVoteRecord, Proposal


@pytest.fixture
def voting_budget(council):
    budget = services.set_up_budget(
        council, {"title": "Parks 2026", "pot_pence": 10_000_00}, actor="t"
    )
    services.transition(budget, "open_proposals", actor="t")
    for title, cost in [("Playground", 6_000_00), ("Library hours", 3_000_50), ("Bins", 2_000_00)]:
        services.add_project(budget, title=title, cost_pence=cost, actor="t")
    services.add_project(budget, title="Statue", cost_pence=9_000_00, actor="t")
    services.transition(budget, "start_review", actor="t")
    for project in budget.projects.all():
        services.review_project(
            project,
            accept=project.title != "Statue",
            reason="the park's lease forbids it",
            actor="t",
        )
    now = timezone.now()
    services.set_voting_window(
        budget, now - timedelta(days=7, hours=1), now + timedelta(days=7), actor="t"
    )
    return services.transition(budget, "open_voting", actor="t")


def test_member_votes_on_the_page(client, council, voting_budget, django_user_model):
    user = django_user_model.objects.create_user("ann", password="pw")
    make_members(council, 1, users=[user])
    client.force_login(user)
    url = f"/o/{council.slug}/participation/budgets/{voting_budget.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Choose up to 5." in text and "£3,000.50" in text
    assert "the park&#x27;s lease forbids it" in text  # the published reason for leaving it out
    bad = client.post(url, {"project": ["P9"]})
    assert bad.status_code == 400
    assert "There is a problem" in bad.content.decode()
    assert not BudgetVoteRecord.objects.filter(budget=voting_budget).exists()
    done = client.post(url, {"project": ["P1", "P3"]}, follow=True)
    assert "Your vote is in" in done.content.decode()
    assert "You have voted in this budget" in done.content.decode()
    again = client.post(url, {"project": ["P2"]})
    assert again.status_code == 400 and "already voted" in again.content.decode()


def test_results_delivery_and_published_ballots_are_public(client, council, voting_budget):
    members = make_members(council, 4)
    for member, codes in zip(members, [["P1"], ["P1", "P2"], ["P2"], ["P3"]], strict=True):
        services.cast_ballot(voting_budget, member, [(c, 1) for c in codes])
    budget = services.count_budget(voting_budget, actor="t", now=timezone.now() + timedelta(days=8))
    page = client.get(f"/o/{council.slug}/participation/budgets/{budget.pk}/").content.decode()
    assert "4 ballots counted" in page
    assert "supporters paid" in page  # the steps a voter can follow
    assert "Not funded" in page
    pb = client.get(f"/o/{council.slug}/participation/budgets/{budget.pk}/ballots.pb")
    assert len(parse_pb(pb.content.decode()).votes) == 4
    delivery = client.get(f"/o/{council.slug}/participation/delivery/").content.decode()
    assert "Playground" in delivery or "Library hours" in delivery
    csv = client.get(f"/o/{council.slug}/participation/delivery.csv").content.decode()
    assert csv.startswith("reference,decision,title")
    assert (
        client.get(f"/o/{council.slug}/participation/budgets/{budget.pk + 99}/").status_code == 404
    )


def test_proposals_on_the_page(client, council, django_user_model):
    user = django_user_model.objects.create_user("bo", password="pw")
    make_members(council, 5, users=[user])
    url = f"/o/{council.slug}/participation/"
    assert "Sign in" in client.get(url).content.decode()
    client.force_login(user)
    empty = client.post(url, {"action": "submit", "title": "", "text": ""})
    assert empty.status_code == 400 and "Give the proposal a title" in empty.content.decode()
    client.post(
        url, {"action": "submit", "title": "Sunday opening", "text": "Please.", "cost": "1,200"}
    )
    proposal = Proposal.objects.get(organisation=council)
    assert proposal.cost_pence == 1_200_00
    page = client.get(url).content.decode()
    assert "Sunday opening" in page and "0 of 1 supporters" in page


def test_officer_runs_the_budget_from_its_page(client, council, django_user_model):
    from mutualise.register import services as register

    officer = django_user_model.objects.create_user("olive", password="pw")
    register.grant_role(council, officer, "officer", actor="t")
    budget = services.set_up_budget(
        council, {"title": "Libraries", "pot_pence": 5_000_00}, actor="t"
    )
    url = f"/o/{council.slug}/participation/budgets/{budget.pk}/"
    assert client.get(url).status_code == 404  # a draft is not public
    client.force_login(officer)
    client.post(url, {"action": "open_proposals"})
    budget.refresh_from_db()
    services.add_project(budget, title="Laptops", cost_pence=1_000_00, actor="t")
    services.add_project(budget, title="Statue", cost_pence=1_000_00, actor="t")
    client.post(url, {"action": "start_review"})
    page = client.get(url).content.decode()
    assert "Not yet: 2 projects still await review" in page
    laptops, statue = budget.projects.order_by("code")
    client.post(url, {"action": "review", "project": laptops.pk, "decision": "accept"})
    refused = client.post(url, {"action": "review", "project": statue.pk, "decision": "leave"})
    assert (
        refused.status_code == 400 and "Say why the project is left out" in refused.content.decode()
    )
    client.post(
        url,
        {
            "action": "review",
            "project": statue.pk,
            "decision": "leave",
            "reason": "not ours to fund",
        },
    )
    page = client.get(url).content.decode()
    assert "Not yet: set when voting closes first" in page
    assert "not ours to fund" in page
    budget.refresh_from_db()
    assert budget.state == "review"


def test_the_results_notice_prints_the_audit_chain_head(client, council, voting_budget):
    """Issue 10, part 4: the chain head is published on every result notice, a budget's too, so
    a later rewrite of its record shows (`mutualise audit verify --expect SEQUENCE:HASH`)."""
    from mutualise.audit import services as audit
    from mutualise.audit.verification import verify

    for member in make_members(council, 3):
        services.cast_ballot(voting_budget, member, [("P1", 1)])
    budget = services.count_budget(voting_budget, actor="t", now=timezone.now() + timedelta(days=8))
    page = client.get(f"/o/{council.slug}/participation/budgets/{budget.pk}/").content.decode()
    head = audit.notice_record(budget).head
    assert "Recorded in the audit log at" in page and str(head) in page
    counted = audit.latest_event(council, budget, "budget.counted")
    assert str(head).startswith(f"{counted.sequence}:")
    assert verify(council, expect=[(head.sequence, head.hash)]).ok


def test_a_ballot_sent_back_with_an_error_keeps_the_ticks(
    client, council, voting_budget, django_user_model
):
    from mutualise.participation.models import Budget

    Budget.objects.filter(pk=voting_budget.pk).update(max_projects=1)
    user = django_user_model.objects.create_user("ann", password="pw")
    make_members(council, 1, users=[user])
    client.force_login(user)
    url = f"/o/{council.slug}/participation/budgets/{voting_budget.pk}/"
    bad = client.post(url, {"project": ["P1", "P3"]})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'value="P1" checked' in text and 'value="P3" checked' in text
    assert 'value="P2" checked' not in text
