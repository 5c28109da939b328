"""The accounts app's long work, run by the worker (`mutualise worker`): inviting every member
to sign in, and checking claims of a membership (so the claim page does the same work whatever
was typed)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from django.db import transaction
from rules import has_perm

from mutualise.jobs import services as jobs
from mutualise.register.models import Organisation

from .services import claims, members


@task()
def invite_members(job_id: int, organisation_id: int, actor_id: int | None):
    organisation = Organisation.objects.get(pk=organisation_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    with jobs.running(job_id) as run:
        result = members.run_member_invitations(organisation, actor=actor or "worker", run=run)
        with transaction.atomic():
            run.finish(result)


@task()
def check_claim(request_id: int):
    claims.check_claim(request_id)


def _may_view(user, job) -> bool:
    return has_perm("register.manage_members", user, job.organisation)


jobs.kind(
    "accounts.member_invitations",
    may_view=_may_view,
    back=lambda job: reverse("accounts:member_invitations", args=[job.organisation.slug]),
)
