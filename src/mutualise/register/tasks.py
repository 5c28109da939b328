"""The register's long work, run by the worker (`mutualise worker`): large member imports."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import PendingImport

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from django.db import transaction
from django.urls import reverse
from rules import has_perm

from mutualise.jobs import services as jobs
from mutualise.jobs.worker import on_start

from . import exports, holding, import_lifecycle, services
from .errors import MemberError
from .models import ImportHoldingRow, Organisation
from .tabular import TableError


@task()
def import_members(job_id: int, pending_id: int, actor_id: int | None, as_applicants: bool):
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    with jobs.running(job_id) as run:
        try:
            services.run_pending_import(
                pending_id, actor=actor, as_applicants=as_applicants, run=run
            )
        except (TableError, MemberError) as exc:  # the officer's to fix: shown as it is
            raise jobs.JobError(str(exc)) from exc


@jobs.on_failure("register.import")
def _import_failed(job) -> None:
    """Nothing of the import was kept; the upload shows why (and stays erasable: only a
    running upload is out of erasure's reach, and this one no longer runs)."""

    PendingImport.objects.filter(job=job).exclude(state=import_lifecycle.DONE).update(
        state=import_lifecycle.FAILED, error=job.error
    )
    # What a killed attempt left in the holding table (SQLite) goes with it.
    ImportHoldingRow.objects.filter(holding__job=job).delete()


@on_start
def _discard_lost_holdings(worker_id: str) -> None:
    """Held rows of imports whose process was killed (SQLite, register/holding.py): deleted
    when the worker starts, after its lost jobs were queued again or failed."""
    holding.discard_lost()


EXPORT_JOB = "register.export"
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@task()
def export_register(job_id: int, organisation_id: int, fmt: str):
    """The register extract (exports.py) as the job's file. It only reads until its last
    transaction, which keeps the file and ends the job together: a retry makes it afresh."""
    organisation = Organisation.objects.get(pk=organisation_id)
    with jobs.running(job_id) as run:

        def counted(rows):
            for done, row in enumerate(rows):
                if done % 1000 == 0:
                    run.progress(done)
                yield row

        content = exports.extract_bytes(organisation, fmt, wrap=counted)
        with transaction.atomic():
            jobs.save_output(
                run, file_name=f"{organisation.slug}-register.{fmt}",
                content_type=EXPORT_TYPES[fmt], content=content,
            )  # fmt: skip
            run.finish({"summary": f"{run.job.total} members in the extract", "format": fmt})


def _may_view_register(user, job) -> bool:
    return has_perm("register.view_register", user, job.organisation)


def _members_page(job) -> str:
    return reverse("register:members", args=[job.organisation.slug])


jobs.kind(EXPORT_JOB, may_view=_may_view_register, back=_members_page)
