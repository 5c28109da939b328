"""The worker's own periodic look at the daily schedule (jobs/schedule.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from django_tasks_db.models import DBTaskResult

from . import schedule
from . import services as jobs


@task()
def check_schedule() -> list[str]:
    """Queue the daily jobs now due, then the next look (CHECK_EVERY from now)."""
    queued = schedule.run_due()
    plan_next_check()
    return queued


def _waiting_checks():
    return DBTaskResult.objects.filter(task_path=check_schedule.module_path, status="READY")


def look_now() -> bool:
    """A look at the schedule as soon as a worker is free (the demo clock was moved), unless
    one is already waiting to run now."""
    with transaction.atomic():
        if _waiting_checks().ready().exists():
            return False
        check_schedule.enqueue()
    return True


def plan_next_check() -> bool:
    """Queue the next look unless one is already waiting (the worker on start, and each look
    itself, whose own row is RUNNING by then: duplicates from two workers starting at once
    die out). Returns whether it queued."""
    with transaction.atomic():
        if _waiting_checks().exists():
            return False
        check_schedule.using(run_after=timezone.now() + schedule.CHECK_EVERY).enqueue()
    return True


@schedule.daily("jobs.expire_files", label="Deleting job files past their expiry", hour=1)
@task()
def expire_files(job_id: int, day: str) -> int:
    """Poll cards and exports not fetched in time are deleted (jobs.services.kind's keep_for)."""
    with jobs.running(job_id) as run, transaction.atomic():
        deleted = jobs.expire_files()
        run.finish({"deleted": deleted})
    return deleted
