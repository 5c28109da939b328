"""An officer sets up a participatory budget and keys paper ballots on a phone (390x844), with
axe on every page: the set-up form's errors at their fields first, then the budget; a paper keyed
once, then again by a second officer, casts it."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mutualise.participation import services
from mutualise.participation.models import Budget, BudgetVoteRecord
from mutualise.register import services as register

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "participation"))
from participation_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def _officer(org, name):
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    register.grant_role(org, user, "officer", actor="t")
    return user


def test_officer_sets_up_a_budget_on_a_phone(page, sign_in, assert_accessible):
    org = found(slug="parks")
    _officer(org, "olive")
    sign_in("olive", PASSWORD)
    page.goto("/o/parks/participation/")
    page.get_by_role("link", name="Set up a participatory budget").click()
    assert_accessible(page, "set-up form")
    page.get_by_label("Money to share out").fill("a lot")
    page.locator("#id_voting_opens_at_day").fill("1")
    page.locator("#id_voting_opens_at_month").fill("7")
    page.locator("#id_voting_opens_at_year").fill("2027")
    page.locator("#id_voting_closes_at_day").fill("30")
    page.locator("#id_voting_closes_at_month").fill("2")
    page.locator("#id_voting_closes_at_year").fill("2027")
    page.get_by_role("button", name="Set up the budget").click()
    summary = page.inner_text(".govuk-error-summary")
    assert "Enter the budget's name" in summary and "Enter the pot in pounds" in summary
    assert "Voting closes must be a real date" in summary
    assert page.locator("#id_pot-error").is_visible()
    assert_accessible(page, "set-up form with errors")
    page.get_by_role("link", name="Enter the budget's name").click()
    page.get_by_label("Name").fill("Parks 2027")
    page.get_by_label("Money to share out").fill("25000")
    page.locator("#id_voting_closes_at_day").fill("15")
    page.locator("#id_voting_closes_at_month").fill("7")
    page.get_by_label("Scoring: score each project").check()
    page.get_by_role("button", name="Set up the budget").click()
    assert "Parks 2027 is set up" in page.inner_text("body")
    budget = Budget.objects.get()
    assert (budget.pot_pence, budget.ballot_kind) == (25_000_00, "scoring")
    assert_accessible(page, "the new budget")
    page.get_by_role("link", name="Change the budget's settings").click()
    page.get_by_label("Money to share out").fill("30000.50")
    page.get_by_role("button", name="Save the settings").click()
    assert "settings are saved" in page.inner_text("body")
    budget.refresh_from_db()
    assert budget.pot_pence == 30_000_50


def test_two_officers_key_a_paper_ballot_on_a_phone(page, sign_in, assert_accessible):
    org = found(slug="parks")
    _officer(org, "olive")
    _officer(org, "oscar")
    member = make_members(org, 1)[0]
    budget = services.set_up_budget(org, {"title": "Parks 2026", "pot_pence": 10_000_00}, actor="t")
    services.transition(budget, "open_proposals", actor="t")
    for title in ("New playground", "More bins"):
        services.add_project(budget, title=title, cost_pence=2_000_00, actor="t")
    services.transition(budget, "start_review", actor="t")
    for project in budget.projects.all():
        services.review_project(project, accept=True, actor="t")
    now = timezone.now()
    services.set_voting_window(
        budget, now - timedelta(days=7, hours=1), now + timedelta(days=7), actor="t"
    )
    services.transition(budget, "open_voting", actor="t")

    sign_in("olive", PASSWORD)
    page.goto(f"/o/parks/participation/budgets/{budget.pk}/")
    page.get_by_role("link", name="Key paper ballots").click()
    assert_accessible(page, "paper keying")
    page.get_by_label("Membership number on the paper").fill("99")
    page.get_by_label("More bins").check()
    page.get_by_role("button", name="Key this paper").click()
    assert "There is no member number 99" in page.inner_text(".govuk-error-summary")
    assert_accessible(page, "paper keying with an error")
    page.get_by_label("Membership number on the paper").fill(str(member.number))
    page.get_by_label("More bins").check()
    page.get_by_role("button", name="Key this paper").click()
    assert "First keying held" in page.inner_text("body")
    assert "1 paper keyed once" in page.inner_text("#waiting")

    page.context.clear_cookies()
    sign_in("oscar", PASSWORD)
    page.goto(f"/o/parks/participation/budgets/{budget.pk}/paper/")
    page.get_by_label("Membership number on the paper").fill(str(member.number))
    page.get_by_label("More bins").check()
    page.get_by_role("button", name="Key this paper").click()
    assert "Both keyings agree" in page.inner_text("body")
    assert_accessible(page, "paper cast")
    assert BudgetVoteRecord.objects.get(member=member).channel == "paper"
