"""Daily work, run by the worker: the table of daily jobs and the record of each day's run.

An app declares a daily job beside its tasks (`<app>/tasks.py`):

    @schedule.daily("governance.reminders", label="Reminders for officers", hour=6)
    @task()
    def reminders(job_id: int, day: str): ...

The worker looks when it starts and then every `CHECK_EVERY` (jobs/tasks.py: a check task that
queues the next check, so the look survives restarts like any queued task). A look queues each
daily job whose hour has come (Europe/London) and that has no run recorded for today: the run's
row (`ScheduledRun`, unique per job and day) is created in the same transaction as the job and
its task, so two looks on one day, or two workers looking at once, queue it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from mutualise.constitution.calendar import LONDON

from . import services as jobs
from .models import ScheduledRun

CHECK_EVERY = timedelta(minutes=30)


@dataclass(frozen=True)
class Daily:
    name: str
    task: object  # a django-tasks Task called as task(job_id, "YYYY-MM-DD")
    label: str
    hour: int  # the first hour of the day (Europe/London) at which it may run


DAILY: dict[str, Daily] = {}


def daily(name: str, *, label: str, hour: int = 0):
    """Declare a task as a daily job (see the module's doc)."""
    if not 0 <= hour <= 23:
        raise ValueError(f"daily job {name}: hour must be 0 to 23, not {hour}")

    def register(task):
        DAILY[name] = Daily(name, task, label, hour)
        return task

    return register


def local_now(now: datetime | None = None) -> datetime:
    return (now or timezone.now()).astimezone(LONDON)


def run_due(now: datetime | None = None) -> list[str]:
    """Queue every daily job that is due and has not run today; returns the names queued."""
    autodiscover_modules("tasks")  # the apps declare their daily jobs beside their tasks
    now = local_now(now)
    queued = []
    for entry in sorted(DAILY.values(), key=lambda d: (d.hour, d.name)):
        if now.hour < entry.hour:
            continue
        if _queue_once(entry, now.date()):
            queued.append(entry.name)
    return queued


def _queue_once(entry: Daily, day: date) -> bool:
    if ScheduledRun.objects.filter(name=entry.name, day=day).exists():
        return False
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(name=entry.name, day=day)
            run.job = jobs.start(
                entry.task,
                kind=f"schedule.{entry.name}",
                label=f"{entry.label}, {day:%-d %B %Y}",
                args=(day.isoformat(),),
            )
            run.save(update_fields=["job"])
    except IntegrityError:  # another worker looked at the same moment and queued it
        return False
    return True


def last_runs() -> list[tuple[Daily, ScheduledRun | None]]:
    """Each daily job with its latest run (for the CLI and the pages)."""
    latest = {}
    for run in ScheduledRun.objects.select_related("job").order_by("name", "-day"):
        latest.setdefault(run.name, run)
    return [(entry, latest.get(name)) for name, entry in sorted(DAILY.items())]
