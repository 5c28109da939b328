"""The worker: django-tasks' database worker, plus finding the work a lost worker left.

A worker's id names its machine and process (`host:pid:random`). When a worker starts, every
task still marked running whose worker is gone is found: a process on this machine that no
longer exists, or, for another machine, no progress for `stale_after` seconds. Its job is
queued again while it has attempts left (the work is written so a retry is safe: nothing of an
interrupted run was committed, or what was is started over), and failed cleanly otherwise.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from . import schedule
from .lifecycle import State
from .models import Job
from .services import fail
from .tasks import plan_next_check

logger = logging.getLogger("mutualise.jobs")
STALE_AFTER_SECONDS = 15 * 60
# Called with the worker's id when it starts, after the lost tasks are settled: an app's own
# recovery (the outbox puts back what a lost worker was sending), registered in its tasks.py.
_ON_START: list[Callable[[str], None]] = []


def on_start(hook: Callable[[str], None]) -> Callable[[str], None]:
    _ON_START.append(hook)
    return hook


class WorkerLost(RuntimeError):
    """The worker running this task stopped before it finished (killed, or its machine lost)."""


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def _process_exists(pid: int) -> bool:
    """Whether the process runs. A zombie (killed, not yet reaped by its parent: a worker
    killed -9 under `mutualise demo`) answers os.kill but will never finish its task."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:  # Linux: "pid (name) state ..."
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def is_lost(owner: str, me: str, last_sign_of_life, stale_after: int) -> bool:
    """Whether worker `owner` is gone: a process on this machine that no longer exists (or an
    earlier run of this one), or another machine's worker quiet for `stale_after` seconds."""
    if owner == me:
        return False
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname()[:40] and pid_text.isdecimal():
        pid = int(pid_text)
        return pid == os.getpid() or not _process_exists(pid)
    quiet_since = timezone.now() - timedelta(seconds=stale_after)
    return last_sign_of_life is None or last_sign_of_life < quiet_since


def recover_lost(me: str, stale_after: int = STALE_AFTER_SECONDS) -> list[tuple[int | None, str]]:
    """Retry or fail the tasks lost workers left running; returns (job id, what was done)."""
    autodiscover_modules("tasks")  # the failure hooks live beside the tasks
    outcomes = []
    for task in DBTaskResult.objects.running():
        job = Job.objects.filter(task_id=str(task.id)).first()
        owner = task.worker_ids[-1] if task.worker_ids else ""
        sign_of_life = max(filter(None, [task.started_at, job and job.updated_at]), default=None)
        if not is_lost(owner, me, sign_of_life, stale_after):
            continue
        outcomes.append((job and job.pk, _recover(task.pk, job and job.pk, owner)))
    return outcomes


def _recover(task_pk, job_pk: int | None, owner: str) -> str:
    with transaction.atomic():
        task = DBTaskResult.objects.select_for_update().filter(pk=task_pk).first()
        if task is None or task.status != "RUNNING":
            return "already settled"
        job = Job.objects.select_for_update().filter(pk=job_pk).first() if job_pk else None
        if job is not None and not job.finished and job.attempts < job.max_attempts:
            task.status = "READY"
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            if job.state == State.RUNNING.value:
                job.state = State.QUEUED.value
                job.save(update_fields=["state", "updated_at"])
            logger.warning("task %s: worker %s was lost; queued again", task_pk, owner)
            return "queued again"
        task.set_failed(WorkerLost(f"worker {owner} stopped while running this task"))
        if job is not None and not job.finished:
            fail(
                job.pk,
                "the work was interrupted (its worker stopped) too often; nothing of it was"
                " kept: start it again",
            )
        logger.warning("task %s: worker %s was lost; failed", task_pk, owner)
        return "failed"


class Worker(DatabaseWorker):
    def __init__(self, *, stale_after: int = STALE_AFTER_SECONDS, **options):
        super().__init__(worker_id=new_worker_id(), **options)
        self.stale_after = stale_after

    def run(self) -> None:
        autodiscover_modules("tasks")
        keep_sqlite_connection()
        for job_id, outcome in recover_lost(self.worker_id, self.stale_after):
            logger.warning("job %s left by a lost worker: %s", job_id, outcome)
        for hook in _ON_START:
            hook(self.worker_id)
        look_at_schedule()
        super().run()


def keep_sqlite_connection() -> None:
    """The worker keeps its SQLite connection from task to task. The web settings close it
    after every request (CONN_MAX_AGE 0), and the database worker closes expired connections
    after every task: closing the last connection to a WAL database checkpoints it, which made
    each no-op task cost a checkpoint (about 20 tasks/s instead of hundreds). One thread,
    one connection: nothing is shared."""
    for alias in connections:
        if connections[alias].vendor == "sqlite":
            connections[alias].settings_dict["CONN_MAX_AGE"] = None


def look_at_schedule() -> list[str]:
    """Queue the daily jobs due now, and plan the next look (jobs/schedule.py)."""
    queued = schedule.run_due()
    for name in queued:
        logger.info("daily job %s queued", name)
    plan_next_check()
    return queued


def run_queued(worker_id: str = "") -> int:
    """Run every task that is ready, here and now, and return how many ran: what a worker
    with --batch does, without its signal handlers and connection recycling (for tests, and
    for the CLI's `--wait`)."""
    autodiscover_modules("tasks")
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, excluded_queue_names=[],
    )  # fmt: skip
    if worker_id:
        worker.worker_id = worker_id
    ran = 0
    while True:
        with transaction.atomic():
            task = DBTaskResult.objects.ready().get_locked()
            if task is None:
                return ran
            task.claim(worker.worker_id)
        worker.run_task(task)
        ran += 1


def run_one(task_id: str, worker_id: str = "") -> bool:
    """Run one queued task here and now, if it is still ready (the CLI's --wait for the job it
    queued); False if a worker took it first."""
    autodiscover_modules("tasks")
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, excluded_queue_names=[],
    )  # fmt: skip
    if worker_id:
        worker.worker_id = worker_id
    with transaction.atomic():
        task = DBTaskResult.objects.ready().filter(pk=task_id).get_locked()
        if task is None:
            return False
        task.claim(worker.worker_id)
    worker.run_task(task)
    return True


def run_worker(
    *,
    interval: float = 1.0,
    batch: bool = False,
    max_tasks: int | None = None,
    queues: str = "*",
    stale_after: int = STALE_AFTER_SECONDS,
) -> None:
    worker = Worker(
        queue_names=queues.split(","),
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        excluded_queue_names=[],
        stale_after=stale_after,
    )
    worker.configure_signals()
    worker.run()
