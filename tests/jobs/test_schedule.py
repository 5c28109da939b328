"""The daily schedule: a job due today is queued once however often the worker looks, waits
for its hour, runs again the next day; the worker looks on start and plans its next look."""

from datetime import datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from mutualise.constitution.calendar import LONDON
from mutualise.jobs import schedule
from mutualise.jobs import services as jobs
from mutualise.jobs.models import Job, ScheduledRun
from mutualise.jobs.worker import look_at_schedule, run_queued

try:
    from django.tasks import task
except ImportError:
    from django_tasks import task

pytestmark = pytest.mark.django_db
RAN: list[str] = []


@task()
def tally(job_id: int, day: str):
    with jobs.running(job_id) as run:
        RAN.append(day)
        run.finish({"day": day})


@pytest.fixture
def daily(monkeypatch):
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # the apps' own daily jobs, declared before the swap
    monkeypatch.setattr(schedule, "DAILY", {})
    schedule.daily("test.tally", label="Tally", hour=6)(tally)
    RAN.clear()
    return schedule.DAILY


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 30, tzinfo=LONDON)


def test_the_same_day_twice_runs_once(daily):
    assert schedule.run_due(at(2, 5)) == []  # before its hour
    assert schedule.run_due(at(2, 6)) == ["test.tally"]
    assert schedule.run_due(at(2, 23)) == []
    assert run_queued() == 1 and RAN == ["2026-03-02"]
    assert schedule.run_due(at(2, 23)) == [] and run_queued() == 0
    assert schedule.run_due(at(3, 7)) == ["test.tally"]  # the next day
    run_queued()
    assert RAN == ["2026-03-02", "2026-03-03"]
    runs = ScheduledRun.objects.order_by("day")
    assert [(r.day.isoformat(), r.job.state) for r in runs] == [
        ("2026-03-02", "done"),
        ("2026-03-03", "done"),
    ]


def test_a_run_recorded_before_a_restart_is_not_queued_again(daily):
    schedule.run_due(at(2, 6))
    # The worker died before running it: its job waits in the queue, and a new look (a
    # restarted worker) queues nothing more; the waiting job runs once.
    assert schedule.run_due(at(2, 9)) == []
    assert Job.objects.filter(kind="schedule.test.tally").count() == 1
    run_queued()
    assert RAN == ["2026-03-02"]


def test_the_worker_looks_on_start_and_plans_one_next_look(daily, monkeypatch):
    monkeypatch.setattr(schedule, "local_now", lambda now=None: at(2, 12))
    assert look_at_schedule() == ["test.tally"]
    assert look_at_schedule() == []  # a second worker starting: nothing more
    checks = DBTaskResult.objects.filter(task_path="mutualise.jobs.tasks.check_schedule")
    assert checks.count() == 1 and checks.get().status == "READY"
    assert checks.get().run_after > checks.get().enqueued_at  # later, not now
    assert run_queued() == 1  # the tally; the look waits for its time


def test_a_daily_jobs_hour_must_be_a_real_hour():
    with pytest.raises(ValueError, match="hour must be 0 to 23"):
        schedule.daily("test.bad", label="Bad", hour=24)


def test_governance_declares_its_daily_jobs():
    from mutualise.governance import tasks  # noqa: F401

    assert {"governance.health", "governance.reminders"} <= set(schedule.DAILY)


def test_the_days_a_look_missed_run_in_order_once(daily):
    assert schedule.run_due(at(2, 7)) == ["test.tally"]
    run_queued()
    # Looked at again on the 5th (the worker was down, or a demo's clock moved on): the 3rd
    # and the 4th run too, each for its own day, then the 5th.
    assert schedule.run_due(at(5, 7)) == [
        "test.tally 2026-03-03", "test.tally 2026-03-04", "test.tally",
    ]  # fmt: skip
    assert schedule.run_due(at(5, 8)) == []  # idempotent: a second look queues nothing
    run_queued()
    assert RAN == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    # Before its hour on the 7th: the 6th (missed) runs, the 7th waits for its hour.
    assert schedule.run_due(at(7, 5)) == ["test.tally 2026-03-06"]
    # A first run ever runs today only: a new install does not run the past.
    ScheduledRun.objects.all().delete()
    assert schedule.run_due(at(20, 7)) == ["test.tally"]


def test_catching_up_goes_back_at_most_catch_up_days(daily):
    schedule.run_due(datetime(2025, 1, 1, 7, tzinfo=LONDON))
    queued = schedule.run_due(at(2, 7))
    assert len(queued) == schedule.CATCH_UP_DAYS + 1
    assert queued[0] == "test.tally 2026-01-21" and queued[-1] == "test.tally"


def test_moving_the_demo_clock_runs_the_daily_jobs_of_the_days_skipped(daily, client):
    from django.contrib.auth import get_user_model

    from mutualise import clock

    schedule.daily("test.tally", label="Tally", hour=0)(tally)  # due at any hour
    clock.reset()
    try:
        today = clock.localdate()
        assert schedule.run_due() == ["test.tally"] and run_queued() == 1
        admin = get_user_model().objects.create_superuser("demo-admin", password="x" * 14)
        client.force_login(admin)
        assert client.post("/demo/clock/", {"step": "week"}).status_code == 302
        assert clock.localdate() == today + timedelta(days=7)
        run_queued()  # the look the move asked for, then the seven days it queued
        assert [(today + timedelta(days=n)).isoformat() for n in range(8)] == RAN
        assert client.post("/demo/clock/", {"step": "hour"}).status_code == 302
        run_queued()  # looked again: nothing more (or the next day, past midnight)
        assert len(RAN) == len(set(RAN)) == 8 + (clock.localdate() != today + timedelta(7))
    finally:
        clock.reset()
