"""The register's long work, run by the worker (`mutualise worker`): large member imports."""

from __future__ import annotations

from django.contrib.auth import get_user_model

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from mutualise.jobs import services as jobs

from .errors import MemberError
from .tabular import TableError


@task()
def import_members(job_id: int, pending_id: int, actor_id: int | None, as_applicants: bool):
    from . import services

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
    from .models import PendingImport

    PendingImport.objects.filter(job=job).exclude(state="done").update(
        state="failed", error=job.error
    )
