"""Participation on a phone (390x844) with axe on every page: a member backs a proposal, votes in
a participatory budget (meeting the error summary first), and anyone reads the results (why
each project won or lost) and the delivery page."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mutualise.participation import services

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "participation"))
from participation_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def test_member_supports_votes_and_reads_the_results(page, sign_in, assert_accessible):
    org = found(slug="parks")
    users = [get_user_model().objects.create_user(n, password=PASSWORD) for n in ("ann", "bob")]
    members = make_members(org, 6, users=users)
    services.submit_proposal(org, members[1], title="Sunday library hours", text="Please.")
    budget = services.set_up_budget(org, {"title": "Parks 2026", "pot_pence": 10_000_00}, actor="t")
    services.transition(budget, "open_proposals", actor="t")
    for title, cost in [
        ("New playground", 6_000_00),
        ("Library hours", 3_000_00),
        ("More bins", 2_000_00),
        ("A statue", 9_000_00),
    ]:
        services.add_project(budget, title=title, cost_pence=cost, actor="t")
    services.transition(budget, "start_review", actor="t")
    for project in budget.projects.all():
        services.review_project(
            project,
            accept=project.title != "A statue",
            reason="the park's lease forbids statues",
            actor="t",
        )
    now = timezone.now()
    services.set_voting_window(
        budget, now - timedelta(days=7, hours=1), now + timedelta(days=7), actor="t"
    )
    services.transition(budget, "open_voting", actor="t")

    sign_in("ann", PASSWORD)
    page.goto("/o/parks/participation/")
    assert_accessible(page, "participation home")
    page.get_by_role("button", name="Support ‘Sunday library hours’").click()
    assert "You support proposal 1" in page.inner_text("body")
    assert_accessible(page, "after supporting")

    page.goto(f"/o/parks/participation/budgets/{budget.pk}/")
    assert "the park's lease forbids statues" in page.inner_text("#left-out")
    assert_accessible(page, "ballot")
    for title in ("New playground", "Library hours", "More bins"):
        page.get_by_label(title).check()
    page.evaluate(
        "document.querySelectorAll('input[name=project]').forEach(function (box) {"
        " var c = box.cloneNode(); c.value = 'P9'; box.form.appendChild(c); })"
    )
    page.get_by_role("button", name="Cast my vote").click()
    assert "There is a problem" in page.inner_text(".govuk-error-summary")
    assert_accessible(page, "ballot with an error")
    page.get_by_label("New playground").check()
    page.get_by_label("Library hours").check()
    page.get_by_role("button", name="Cast my vote").click()
    assert "Your vote is in" in page.inner_text("body")
    assert page.locator("#voted").is_visible()
    assert_accessible(page, "after voting")

    for member, codes in zip(members[2:], [["P1"], ["P2"], ["P3"], ["P3", "P2"]], strict=True):
        services.cast_ballot(budget, member, [(c, 1) for c in codes])
    services.count_budget(budget, actor="t", now=now + timedelta(days=8))
    page.context.clear_cookies()
    page.goto(f"/o/parks/participation/budgets/{budget.pk}/")
    assert "5 ballots counted" in page.inner_text("#spent")
    assert page.locator("#funded li").count() >= 1
    assert_accessible(page, "results")
    page.get_by_role("link", name="Follow the funded projects' delivery").click()
    assert page.get_by_role("heading", name="What we decided, and what became of it").is_visible()
    assert_accessible(page, "delivery page")


def test_officer_reviews_projects_on_a_phone(page, sign_in, assert_accessible):
    from mutualise.register import services as register

    org = found(slug="parks")
    officer = get_user_model().objects.create_user("olive", password=PASSWORD)
    register.grant_role(org, officer, "officer", actor="t")
    budget = services.set_up_budget(
        org, {"title": "Libraries 2026", "pot_pence": 5_000_00}, actor="t"
    )
    services.transition(budget, "open_proposals", actor="t")
    services.add_project(budget, title="Laptops", cost_pence=1_000_00, actor="t")
    services.transition(budget, "start_review", actor="t")
    sign_in("olive", PASSWORD)
    page.goto(f"/o/parks/participation/budgets/{budget.pk}/")
    assert "Not yet: 1 projects still await review" in page.inner_text("body")
    assert_accessible(page, "budget console in review")
    page.get_by_label("Leave it out").check()
    page.get_by_role("button", name="Save the review of ‘Laptops’").click()
    assert "There is a problem" in page.inner_text(".govuk-error-summary")
    assert_accessible(page, "console with an error")
    page.get_by_label("Leave it out").check()
    page.get_by_label("Reason for leaving it out (published)").fill("already funded by the council")
    page.get_by_role("button", name="Save the review of ‘Laptops’").click()
    assert "Laptops: left out" in page.inner_text("body")
    assert "already funded by the council" in page.inner_text("#left-out")


def test_officer_moderates_and_posts_a_delivery_update_on_a_phone(page, sign_in, assert_accessible):
    from mutualise.register import services as register

    org = found(slug="parks")
    officer = get_user_model().objects.create_user("olive", password=PASSWORD)
    register.grant_role(org, officer, "officer", actor="t")
    members = make_members(org, 2)
    services.submit_proposal(org, members[0], title="Rude words", text="...")
    delivery = services.record_decision(
        org, source="resolution", source_ref="AGM resolution 4", title="Plant 100 trees"
    )
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    sign_in("olive", PASSWORD)
    page.goto("/o/parks/participation/")
    page.get_by_role("link", name="Moderate proposal 1").click()
    assert_accessible(page, "moderation page")
    assert page.evaluate(fits)
    page.get_by_role("button", name="Hide the proposal").click()
    assert "There is a problem" in page.inner_text(".govuk-error-summary")
    assert_accessible(page, "moderation with an error")
    page.get_by_label("Offensive or abusive").check()
    page.get_by_role("button", name="Hide the proposal").click()
    assert "Proposal 1 is hidden: offensive or abusive" in page.inner_text("body")

    page.goto("/o/parks/participation/delivery/")
    page.get_by_role("link", name="Post an update on Plant 100 trees").click()
    assert_accessible(page, "delivery update form")
    assert page.evaluate(fits)
    page.get_by_role("radio", name="Dropped").check()
    page.get_by_label("What has happened").fill("The site flooded.")
    page.get_by_role("button", name="Post the update").click()
    assert "Say why it was dropped" in page.inner_text(".govuk-error-summary")
    assert page.locator("#id_dropped_reason-error").is_visible()
    assert_accessible(page, "delivery update with an error")
    assert page.evaluate(fits)
    page.get_by_label("If dropped: why (published)").fill("the common is a flood plain now")
    page.get_by_role("button", name="Post the update").click()
    assert "Plant 100 trees: update posted" in page.inner_text("body")
    assert "the common is a flood plain now" in page.inner_text(f"#delivery-{delivery.pk} ~ dl")
