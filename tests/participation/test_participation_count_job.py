"""A budget's count started from its page runs in the worker as a job: the page shows its
progress, the count and the job's end commit together, and a second start waits for the first."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mutualise.audit.models import AuditEvent
from mutualise.demo import council_board as demo
from mutualise.jobs.models import Job
from mutualise.jobs.worker import run_queued
from mutualise.participation import services
from mutualise.participation.models import Budget
from mutualise.register.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(db):
    demo.load()
    org = Organisation.objects.get(slug=demo.SLUG)
    live = Budget.objects.get(organisation=org, title__endswith="budget 2026")
    Budget.objects.filter(pk=live.pk).update(voting_closes_at=timezone.now() - timedelta(hours=1))
    return org, Budget.objects.get(pk=live.pk)


def test_the_officer_starts_the_count_and_follows_it(closed, client):
    org, budget = closed
    client.force_login(get_user_model().objects.get(username=demo.OFFICER_USER))
    page = f"/o/{org.slug}/participation/budgets/{budget.pk}/"
    response = client.post(page, {"action": "count"})
    job = Job.objects.get(kind="participation.count")
    assert response.status_code == 302 and response["Location"] == f"/o/{org.slug}/jobs/{job.pk}/"
    assert (job.state, job.total, job.unit, job.subject) == (
        "queued",
        20,
        "ballots",
        f"budget:{budget.pk}",
    )
    assert AuditEvent.objects.filter(action="budget.count_queued").count() == 1
    console = client.get(page).content.decode()
    assert "Follow the count" in console and "<progress" in console
    client.post(page, {"action": "count"})  # a second click: the same job, not another
    assert Job.objects.filter(kind="participation.count").count() == 1
    assert run_queued() >= 1
    job.refresh_from_db()
    budget.refresh_from_db()
    assert job.state == "done" and budget.state == "results"
    assert "20 ballots counted" in job.result["summary"]
    done = client.get(f"/o/{org.slug}/jobs/{job.pk}/").content.decode()
    assert "20 ballots counted" in done and f"/participation/budgets/{budget.pk}/" in done


def test_a_count_that_may_not_start_says_why_at_once(db):
    demo.load()
    org = Organisation.objects.get(slug=demo.SLUG)
    live = Budget.objects.get(organisation=org, title__endswith="budget 2026")  # voting still open
    with pytest.raises(services.ParticipationError):
        services.queue_count(live, actor="test")
    assert not Job.objects.exists()


def test_a_member_may_not_start_it(closed):
    org, budget = closed
    member = get_user_model().objects.get(username=demo.MEMBER_USER)
    with pytest.raises(services.ParticipationError, match="may not count"):
        services.queue_count(budget, actor=member)


def test_the_daily_close_counts_what_no_officer_counted(closed):
    from datetime import datetime

    from mutualise.constitution.calendar import LONDON
    from mutualise.jobs import schedule

    org, budget = closed
    # Today's close is recorded as run by the demo (its small grants closed after it), so the
    # next is tomorrow's: it counts both budgets no officer counted.
    tomorrow = (datetime.now(LONDON) + timedelta(days=1)).replace(hour=12)
    assert "participation.close" in schedule.run_due(tomorrow)
    run_queued()
    budget.refresh_from_db()
    assert budget.state == "results"
    job = Job.objects.get(kind="schedule.participation.close")
    assert job.state == "done" and job.result["summary"].startswith("2 budget(s) counted")
