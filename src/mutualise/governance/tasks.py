"""Governance's daily work, run by the worker (`mutualise worker`, jobs/schedule.py): the
health check of every organisation, and the officers' reminders. Each day's run is recorded,
so a second look on the same day runs nothing; each task is also safe to run twice (the
health report is replaced, a reminder is raised once)."""

from __future__ import annotations

from datetime import date

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from mutualise.jobs import schedule
from mutualise.jobs import services as jobs

from .services import refresh_reminders, run_daily


def daily_health_check(today: date | None = None) -> int:
    """Check every organisation and store each one's latest findings (the page across
    organisations reads them). Returns how many organisations have a serious finding."""
    return run_daily(today)


@schedule.daily("governance.health", label="Health check of every organisation", hour=2)
@task()
def health_check(job_id: int, day: str) -> int:
    with jobs.running(job_id) as run:
        serious = daily_health_check(date.fromisoformat(day))
        run.finish({"organisations_with_serious_findings": serious})
    return serious


@schedule.daily("governance.reminders", label="Reminders for the officers", hour=6)
@task()
def reminders(job_id: int, day: str) -> dict:
    with jobs.running(job_id) as run:
        outcome = refresh_reminders(
            today=date.fromisoformat(day), progress=lambda done, total: run.progress(done, total)
        )
        result = {"raised": outcome.raised, "closed": outcome.closed, "mailed": outcome.mailed}
        run.finish(result)
    return result
