"""The co-operative council demo: a live budget with votes in, last year's counted and in
delivery, proposals; loading twice changes nothing."""

from datetime import timedelta

from django.utils import timezone

from mutualise.demo import council_board as demo
from mutualise.participation import services
from mutualise.participation.models import (
    Budget,
    BudgetVoteRecord,
    Delivery,
    HeldBudgetBallot,
    Proposal,
)
from mutualise.register.models import Organisation


def test_demo_loads_once_with_a_live_budget(db):
    info = demo.load()
    assert "lambeth-parks-trust/participation/" in info.describe("http://127.0.0.1:8000/")
    org = Organisation.objects.get(slug=demo.SLUG)
    live = Budget.objects.get(organisation=org, state="voting", title__endswith="budget 2026")
    assert HeldBudgetBallot.objects.filter(budget=live).count() == 20
    assert BudgetVoteRecord.objects.filter(budget=live).count() == 20
    past = Budget.objects.get(organisation=org, state="delivery")
    assert past.result["selected"] and past.result["rule"] == "mes-add1"
    assert Delivery.objects.filter(organisation=org, source="budget_project").count() == len(
        past.result["selected"]
    )
    assert Proposal.objects.filter(organisation=org, state="routed").count() == 1
    demo.load()
    assert Budget.objects.filter(organisation=org).count() == 3


def test_the_scheduled_close_counts_the_live_budget(db):
    from mutualise.participation.tasks import close_due

    demo.load()
    org = Organisation.objects.get(slug=demo.SLUG)
    grants = Budget.objects.get(organisation=org, title=demo.GRANTS_TITLE)
    services.count_budget(grants, actor="test")  # the officer's, in the demo
    assert close_due() == (0, 0)
    counted, _ = close_due(timezone.now() + timedelta(days=13))
    assert counted == 1
    live = Budget.objects.get(organisation=org, title__endswith="budget 2026")
    assert live.state == "results" and live.result["ballots"] == 20


def test_a_newcomer_counts_the_closed_budget_as_a_task(db, client):
    """The demo's closed budget waits for the officer's Count (the worker started with the
    demo does not count it first); the count runs as a job and the results page shows the
    funded projects, the pot spent and why each project won or lost."""
    from django.contrib.auth import get_user_model

    from mutualise.jobs import schedule
    from mutualise.jobs.models import Job
    from mutualise.jobs.worker import run_queued

    demo.load()
    org = Organisation.objects.get(slug=demo.SLUG)
    grants = Budget.objects.get(organisation=org, title=demo.GRANTS_TITLE)
    assert grants.state == "voting" and grants.voting_closes_at <= timezone.now()
    assert "participation.close" not in schedule.run_due()
    client.force_login(get_user_model().objects.get(username=demo.OFFICER_USER))
    page = f"/o/{org.slug}/participation/budgets/{grants.pk}/"
    console = client.get(page).content.decode()
    assert 'value="count"' in console and 'id="why-count"' not in console  # Count is enabled
    assert client.post(page, {"action": "count"}).status_code == 302
    job = Job.objects.get(kind="participation.count", subject=f"budget:{grants.pk}")
    assert run_queued() >= 1
    job.refresh_from_db()
    grants.refresh_from_db()
    assert job.state == "done" and grants.state == "results"
    client.logout()
    text = client.get(page).content.decode()
    assert "35 ballots counted" in text and "is spent on" in text
    for project in grants.projects.all():  # each with why it won or lost
        assert project.outcome and project.title in text and project.outcome[:30] in text
    assert grants.projects.filter(funded=True).exists()
    assert grants.projects.filter(funded=False).exists()
