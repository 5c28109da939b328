"""Starting long work, reporting its progress, and ending it.

    job = jobs.start(tasks.import_members, kind="register.import", label=..., organisation=org,
                     total=rows, unit="rows", args=(pending.pk,))

creates the Job and puts its task on the queue in one transaction, so there is never a job
without a task or a task without a job. The task runs its work inside `jobs.running(job_id)`,
which moves the job to RUNNING, offers `progress(done)` and `finish(result)` (called inside the
work's own final transaction, so the job is DONE exactly when the work is committed), and marks
the job FAILED, in one transaction with the failure hook of its kind, if the work raises.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.secrecy.sealing import Sealer

from . import progress as side_progress
from . import testing
from .lifecycle import State, may_move
from .models import Job, JobOutput

PROGRESS_EVERY_SECONDS = 0.5
# Only the worker tests' settings ask for a pause point (jobs/testing.py).
_PAUSING = bool(getattr(settings, "MUTUALISE_TEST_PAUSE_JOB", ""))
# kind -> called with the job, in the transaction that fails it (tidy what the work left).
_FAILURE_HOOKS: dict[str, Callable[[Job], None]] = {}


class JobError(Exception):
    """A failure to show to the person waiting, as it is (bad input, a rule not met)."""


class JobStateError(RuntimeError):
    pass


def on_failure(kind: str):
    """Register what to tidy when a job of this kind fails (raised, or its worker was lost)."""

    def register(hook: Callable[[Job], None]) -> Callable[[Job], None]:
        _FAILURE_HOOKS[kind] = hook
        return hook

    return register


def start(
    task,
    *,
    kind: str,
    label: str,
    organisation=None,
    total: int = 0,
    unit: str = "items",
    actor=None,
    args: tuple = (),
    max_attempts: int = 2,
    subject: str = "",
) -> Job:
    """Queue `task(job_id, *args)` with a Job to show its progress (see the module's doc).
    `subject` names what it works on (e.g. "election:12"), for `unfinished`."""
    with transaction.atomic():
        job = Job.objects.create(
            organisation=organisation,
            kind=kind,
            subject=subject,
            label=label[:200],
            total=total,
            unit=unit,
            max_attempts=max_attempts,
            created_by=audit.actor_name(actor) if actor is not None else "",
        )
        result = task.enqueue(job.pk, *args)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
    return job


def _move(job_id: int, to: State, **fields) -> Job:
    # Inside the work's transaction when there is one (the job ends as the work commits); its own
    # otherwise, as for work that changes nothing stored (a daily check's report is its result).
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        allowed, reason = may_move(job.state, to)
        if not allowed:
            raise JobStateError(f"job {job_id}: {reason}")
        job.state = to.value
        for name, value in fields.items():
            setattr(job, name, value)
        if to in (State.DONE, State.FAILED):
            job.finished_at = timezone.now()
        job.save()
    return job


def fail(job_id: int, error: str) -> Job:
    """Fail the job and run its kind's failure hook, in one transaction."""
    with transaction.atomic():
        job = _move(job_id, State.FAILED, error=error[:2000])
        hook = _FAILURE_HOOKS.get(job.kind)
        if hook is not None:
            hook(job)
    return job


class Run:
    """A job being worked: progress and the finish, see the module's doc."""

    def __init__(self, job: Job):
        self.job = job
        self.finished = False
        self._last = 0.0
        self._private = None
        self._side: side_progress.SideWriter | None = None

    def progress(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        if _PAUSING:
            testing.pause_point(self, done)
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY_SECONDS:
            return
        self._last = now
        self.job.done = done
        fields = {"done": done, "updated_at": timezone.now()}
        if total is not None:
            self.job.total = fields["total"] = total
        self._write(fields)

    def _write(self, fields: dict) -> None:
        """Committed where others can see it (jobs/progress.py). Inside the work's transaction
        a second connection writes it: to the same database on PostgreSQL (the work's rows stay
        hidden until their commit), to the side database on SQLite (the work holds the one
        write lock). Outside a transaction, or on an in-memory SQLite, the Job row itself."""
        if connection.in_atomic_block and connection.vendor == "postgresql":
            if self._private is None:
                self._private = connections.create_connection("default")
            sets = ", ".join(f"{name} = %s" for name in fields)
            with self._private.cursor() as cursor:
                cursor.execute(
                    f"UPDATE jobs_job SET {sets} WHERE id = %s", [*fields.values(), self.job.pk]
                )
            return
        if connection.in_atomic_block and connection.vendor == "sqlite":
            if self._side is None and (path := side_progress.side_path()) is not None:
                self._side = side_progress.SideWriter(path)
            if self._side is not None:
                self._side.write(self.job.pk, fields)
                return
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def finish(self, result: dict | None = None) -> None:
        """Call inside the work's final transaction: the job is DONE when the work commits."""
        fields = {"result": result or {}}
        if self.job.total:
            fields["done"] = fields["total"] = self.job.total
        self.job = _move(self.job.pk, State.DONE, **fields)
        self.finished = True

    def close(self) -> None:
        if self._private is not None:
            self._private.close()
            self._private = None
        if self._side is not None:
            self._side.forget(self.job.pk)
            self._side.close()
            self._side = None


@contextlib.contextmanager
def running(job_id: int) -> Iterator[Run]:
    with transaction.atomic():
        job = _move(job_id, State.RUNNING, error="")
        Job.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
        job.attempts += 1
    run = Run(job)
    try:
        yield run
    except JobError as exc:
        fail(job_id, str(exc))
        raise
    except BaseException:
        fail(job_id, "an internal error (the worker's log has the details)")
        raise
    else:
        if not run.finished:
            with transaction.atomic():
                run.finish()
    finally:
        run.close()


def live(job: Job | None) -> Job | None:
    """The job with the latest progress its running work has reported (jobs/progress.py)."""
    return side_progress.live(job)


def job_for(organisation, pk: int) -> Job:
    return Job.objects.get(organisation=organisation, pk=pk)


def unfinished(kind: str, subject: str) -> Job | None:
    """The job of this kind on this subject still queued or running, if any."""
    return (
        Job.objects.filter(kind=kind, subject=subject, state__in=[State.QUEUED, State.RUNNING])
        .order_by("-pk")
        .first()
    )


def latest(kind: str, subject: str) -> Job | None:
    return Job.objects.filter(kind=kind, subject=subject).order_by("-pk").first()


# ---------------------------------------------------------------------------------------------
# Who sees a job, and the file it made

_KINDS: dict[str, dict] = {}


KEEP_FILES_FOR = timedelta(days=7)
# Job files hold personal data and voting codes: sealed in the database, the key outside it.
_FILES = Sealer("job-files", size=0)


def kind(
    name: str,
    *,
    may_view: Callable,
    back: Callable | None = None,
    once: bool = False,
    keep_for: timedelta = KEEP_FILES_FOR,
) -> None:
    """Say who may see (and download) jobs of this kind, `may_view(user, job)`, and where
    their page leads back to, `back(job) -> url` (each app, beside its tasks). With `once`, a
    job's file is deleted as it is downloaded (poll cards: the plain voting codes are kept
    no longer than it takes to fetch them); a file not fetched is deleted `keep_for` after it
    was made (the daily jobs.expire_files)."""
    _KINDS[name] = {"may_view": may_view, "back": back, "once": once, "keep_for": keep_for}


def downloads_once(job: Job) -> bool:
    return bool(_KINDS.get(job.kind, {}).get("once"))


def may_view(user, job: Job) -> bool:
    entry = _KINDS.get(job.kind)
    return bool(entry and getattr(user, "is_authenticated", False) and entry["may_view"](user, job))


def back_url(job: Job) -> str:
    entry = _KINDS.get(job.kind)
    return entry["back"](job) if entry and entry["back"] else ""


def save_output(run: Run, *, file_name: str, content_type: str, content: bytes) -> None:
    """Keep the job's file: call inside the work's final transaction, before `run.finish`."""
    keep_for = _KINDS.get(run.job.kind, {}).get("keep_for", KEEP_FILES_FOR)
    JobOutput.objects.create(
        organisation_id=run.job.organisation_id, job_id=run.job.pk, file_name=file_name[:200],
        content_type=content_type, content=_FILES.seal_bytes(content), sealed=True,
        size=len(content), expires_at=clock.now() + keep_for,
    )  # fmt: skip


def _plain(output) -> bytes:
    return _FILES.unseal_bytes(output.content) if output.sealed else bytes(output.content)


def _require_viewer(job: Job, actor) -> None:
    if not may_view(actor, job):
        raise PermissionError("You may not see this job or its file.")


def current_output(job: Job):
    """The job's file if it has one still within its time; an expired file is as good as gone
    before the daily jobs.expire_files deletes it (its hour may not have come, or the worker
    may be down)."""
    output = JobOutput.objects.filter(job=job).first()
    if output is None or (output.expires_at is not None and output.expires_at <= clock.now()):
        return None
    return output


def download_output(job: Job, *, actor):
    """The job's file for one download, counted and audited (it may hold personal data)."""
    _require_viewer(job, actor)
    with transaction.atomic():
        output = JobOutput.objects.select_for_update().get(job=job)
        if output.expires_at is not None and output.expires_at <= clock.now():
            raise JobError("This file has expired and is deleted.")
        output.downloads += 1
        once = downloads_once(job)
        audit.record(
            job.organisation, "job.file_downloaded", actor=actor, subject=job,
            data={"kind": job.kind, "file": output.file_name, "bytes": output.size,
                  "deleted": once},
        )  # fmt: skip
        content = _plain(output)
        if once:
            output.delete()
            job.result = {**(job.result or {}), "downloaded_once": True}
            Job.objects.filter(pk=job.pk).update(result=job.result)
        else:
            output.save(update_fields=["downloads"])
    output.content = content  # the caller's plain copy, for this one response (never saved)
    return output


def delete_output(job: Job, *, actor) -> None:
    """Delete the job's file (e.g. poll cards, once printed), audited."""
    _require_viewer(job, actor)
    with transaction.atomic():
        output = JobOutput.objects.select_for_update().filter(job=job).first()
        if output is None:
            return
        audit.record(
            job.organisation, "job.file_deleted", actor=actor, subject=job,
            data={"kind": job.kind, "file": output.file_name, "downloads": output.downloads},
        )  # fmt: skip
        output.delete()


def expire_files(now=None) -> int:
    """Delete every job file past its expiry, each audited; returns how many."""
    now = now or clock.now()
    deleted = 0
    expired = JobOutput.objects.filter(expires_at__lte=now).select_related("job__organisation")
    for output in expired.iterator():
        with transaction.atomic():
            audit.record(
                output.job.organisation, "job.file_expired", subject=output.job,
                data={"kind": output.job.kind, "file": output.file_name,
                      "downloads": output.downloads},
            )  # fmt: skip
            Job.objects.filter(pk=output.job_id).update(
                result={**(output.job.result or {}), "expired": True}
            )
            deleted += JobOutput.objects.filter(pk=output.pk).delete()[0]
    return deleted
