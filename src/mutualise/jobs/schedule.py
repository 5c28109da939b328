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

Days are the install's clock's (mutualise.clock): on a demo install, moving the demo clock
forward moves the schedule too. A look also runs the days it missed: a daily job that last ran
on Monday, looked at on Thursday, is queued for Tuesday, Wednesday and Thursday, in order (each
run is given its own day, and each daily job is idempotent), at most CATCH_UP_DAYS back. So the
days a demo skips are not skipped by its reminders, nor the days a real install's worker was
down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.module_loading import autodiscover_modules

from mutualise import clock
from mutualise.constitution.calendar import LONDON

from . import services as jobs
from .models import ScheduledRun

CHECK_EVERY = timedelta(minutes=30)
CATCH_UP_DAYS = 40  # the most missed days one look runs (a clock moved a year runs the last 40)


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
    return (now or clock.now()).astimezone(LONDON)


def days_due(entry: Daily, now: datetime) -> list[date]:
    """The days this daily job is due for at `now` (London): today once its hour has come, and
    every day missed since its last run (see the module's doc)."""
    today = now.date()
    last = (
        ScheduledRun.objects.filter(name=entry.name, day__lt=today)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    days = []
    if last is not None:
        first = max(last + timedelta(days=1), today - timedelta(days=CATCH_UP_DAYS))
        days = [first + timedelta(days=n) for n in range((today - first).days)]
    if now.hour >= entry.hour:
        days.append(today)
    return days


def run_due(now: datetime | None = None) -> list[str]:
    """Queue every daily job that is due and not yet run for its day; returns what was queued
    (a name, or `name YYYY-MM-DD` for a missed day's run)."""
    autodiscover_modules("tasks")  # the apps declare their daily jobs beside their tasks
    now = local_now(now)
    queued = []
    for entry in sorted(DAILY.values(), key=lambda d: (d.hour, d.name)):
        for day in days_due(entry, now):
            if _queue_once(entry, day):
                queued.append(entry.name if day == now.date() else f"{entry.name} {day}")
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
