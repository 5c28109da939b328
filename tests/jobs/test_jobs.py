"""Jobs: started with their task in one transaction, states moved only as the table allows,
failed with their kind's hook, and found again when their worker is lost."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django_tasks_db.models import DBTaskResult

from mutualise.jobs import services as jobs
from mutualise.jobs.lifecycle import State, may_move
from mutualise.jobs.models import Job
from mutualise.jobs.worker import new_worker_id, recover_lost, run_queued

try:
    from django.tasks import task
except ImportError:
    from django_tasks import task

pytestmark = pytest.mark.django_db

SEEN: list = []


@task()
def counting_task(job_id: int, upto: int):
    with jobs.running(job_id) as run:
        for i in range(upto):
            run.progress(i + 1, force=True)
        SEEN.append(upto)


@task()
def broken_task(job_id: int, message: str):
    with jobs.running(job_id):
        raise jobs.JobError(message)


TIDIED: list = []


@jobs.on_failure("test.broken")
def _tidy(job):
    TIDIED.append(job.pk)


def test_a_job_and_its_task_are_created_together_and_run_by_the_queue():
    SEEN.clear()
    job = jobs.start(counting_task, kind="test.count", label="Counting", total=3, args=(3,))
    task_row = DBTaskResult.objects.get()
    assert str(task_row.id) == job.task_id and task_row.status == "READY"
    assert task_row.args_kwargs["args"] == [job.pk, 3]
    assert run_queued() == 1
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts, job.percent) == ("done", 3, 3, 1, 100)
    assert SEEN == [3] and DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert run_queued() == 0  # nothing runs twice


def test_a_failing_job_says_why_and_runs_its_kinds_hook():
    TIDIED.clear()
    job = jobs.start(broken_task, kind="test.broken", label="Broken", args=("row 3: bad date",))
    run_queued()
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "row 3: bad date")
    assert [job.pk] == TIDIED and DBTaskResult.objects.get().status == "FAILED"


def test_a_job_rollback_takes_its_task_with_it():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.start(counting_task, kind="test.count", label="Counting", args=(1,))
        raise RuntimeError("the caller's work failed")
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


def test_states_move_only_as_the_table_allows():
    assert may_move("queued", State.RUNNING) == (True, "")
    assert may_move("done", State.RUNNING)[0] is False
    assert may_move("failed", State.DONE) == (False, "a failed job cannot become done")
    job = Job.objects.create(kind="x", label="x", state="done")
    with pytest.raises(jobs.JobStateError):
        jobs.fail(job.pk, "late")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _claimed_by(owner: str, max_attempts: int) -> Job:
    job = jobs.start(counting_task, kind="test.count", label="Counting", args=(2,))
    Job.objects.filter(pk=job.pk).update(state="running", attempts=1, max_attempts=max_attempts)
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", worker_ids=[owner])
    return job


def test_a_lost_workers_task_is_queued_again_then_failed_when_attempts_run_out():
    import socket

    lost = f"{socket.gethostname()[:40]}:{_dead_pid()}:abcdefgh"
    again = _claimed_by(lost, max_attempts=2)
    given_up = _claimed_by(lost, max_attempts=1)
    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    alive = _claimed_by(f"{socket.gethostname()[:40]}:{living.pid}:abcdefgh", max_attempts=2)
    try:
        outcomes = dict(recover_lost(new_worker_id()))
    finally:
        living.kill()
        living.wait()
    assert outcomes == {again.pk: "queued again", given_up.pk: "failed"}
    again.refresh_from_db(), given_up.refresh_from_db(), alive.refresh_from_db()
    assert again.state == "queued" and DBTaskResult.objects.get(pk=again.task_id).status == "READY"
    assert given_up.state == "failed" and "interrupted" in given_up.error
    assert DBTaskResult.objects.get(pk=given_up.task_id).status == "FAILED"
    assert alive.state == "running"
    SEEN.clear()
    run_queued()  # the retry runs to the end
    again.refresh_from_db()
    assert (again.state, again.attempts) == ("done", 2) and SEEN == [2]


def test_another_machines_task_is_lost_only_after_a_quiet_spell():
    from datetime import timedelta

    from django.utils import timezone

    job = _claimed_by("elsewhere:123:abcdefgh", max_attempts=2)
    DBTaskResult.objects.filter(pk=job.task_id).update(started_at=timezone.now())
    assert recover_lost("me") == []
    quiet = timezone.now() - timedelta(hours=1)
    DBTaskResult.objects.filter(pk=job.task_id).update(started_at=quiet)
    Job.objects.filter(pk=job.pk).update(updated_at=quiet)
    assert recover_lost("me") == [(job.pk, "queued again")]


@task()
def finishing_task(job_id: int):
    with jobs.running(job_id) as run:
        run.finish({"checked": 1})  # work that stores nothing of its own: no transaction around it


@pytest.mark.django_db(transaction=True)
def test_a_job_may_finish_outside_a_transaction_of_its_own():
    """The daily health check and participation's close finish outside any transaction; on
    PostgreSQL the job's row lock then needs one of its own (select_for_update refuses autocommit)."""
    job = jobs.start(finishing_task, kind="test.finish", label="Finishing")
    assert run_queued() == 1
    job.refresh_from_db()
    assert (job.state, job.result) == ("done", {"checked": 1})


def test_a_worker_killed_but_not_yet_reaped_is_lost():
    """kill -9 of a worker whose parent (the demo, a supervisor) has not reaped it leaves a
    zombie: the pid still answers os.kill(pid, 0), but nothing will ever finish its task."""
    import os
    import signal
    import socket
    import time

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        os.kill(child.pid, signal.SIGKILL)
        for _ in range(100):  # dead, not reaped (no wait() yet)
            with open(f"/proc/{child.pid}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[0] == "Z":
                    break
            time.sleep(0.05)
        job = _claimed_by(f"{socket.gethostname()[:40]}:{child.pid}:abcdefgh", max_attempts=2)
        assert recover_lost("me") == [(job.pk, "queued again")]
    finally:
        child.wait()
