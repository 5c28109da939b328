"""The outbox's work for the worker: one delivery task, queued when a transaction that recorded
mail commits (services._deliver_on_commit), that sends what is due and queues itself again while
mail remains (at once if more is due, else at the next retry's time)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

import os

from django.conf import settings

from mutualise.jobs import schedule
from mutualise.jobs import services as jobs
from mutualise.jobs.worker import on_start

from . import bounces, delivery
from .models import Message, Status


@task(queue_name="mail")
def deliver() -> dict:
    outcome = delivery.deliver()
    if outcome.due:
        queue_delivery()
    elif outcome.later is not None:
        queue_delivery(at=outcome.later)
    return {
        "sent": outcome.sent,
        "bounced": outcome.bounced,
        "failed": outcome.failed,
        "retried": outcome.retried,
    }


def queue_delivery(at=None) -> None:
    """Queue the delivery task to run now (or at `at`), unless one already will by then."""
    waiting = DBTaskResult.objects.filter(status="READY", task_path=deliver.module_path)
    if at is None:
        if waiting.ready().exists():
            return
        deliver.enqueue()
        return
    if waiting.filter(Q(run_after__lte=at) | Q(run_after=get_date_max())).exists():
        return
    deliver.using(run_after=at).enqueue()


@on_start
def _resume(worker_id: str) -> None:
    """On the worker's start: settle what a lost worker was sending, and send what waits."""
    delivery.recover_lost(worker_id)
    waiting = Message.objects.filter(status=Status.QUEUED)
    if waiting.filter(next_attempt_at__lte=timezone.now()).exists():
        queue_delivery()


@schedule.daily("mail.read_bounces", label="Reading the bounces that came back", hour=3)
@task()
def read_bounces(job_id: int, day: str) -> dict:
    """The bounce maildir (MUTUALISE_BOUNCE_MAILDIR), if the install has one (bounces.py); run
    `mutualise mail read-bounces` from cron as well to read them sooner than daily."""
    with jobs.running(job_id) as run:
        folder = settings.MUTUALISE_BOUNCE_MAILDIR
        if not folder or not os.path.isdir(os.path.join(folder, "new")):
            result = {"read": 0, "summary": "no bounce maildir (MUTUALISE_BOUNCE_MAILDIR)"}
        else:
            outcome = bounces.read_maildir(folder)
            result = {"read": outcome.messages, "reports": outcome.reports,
                      "bounced": len(outcome.bounced)}  # fmt: skip
        run.finish(result)
    return result
