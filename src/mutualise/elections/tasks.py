"""The elections' long work, run by the worker (`mutualise worker`): voting codes by email."""

from __future__ import annotations

from django.contrib.auth import get_user_model

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from mutualise.jobs import services as jobs


@task()
def email_codes(job_id: int, election_id: int, actor_id, actor_name: str, vote_url: str):
    from . import mailing, services
    from .models import Election

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else actor_name
    with jobs.running(job_id) as run:
        election = Election.objects.select_related("organisation").get(pk=election_id)
        try:
            mailing.send_codes(election, actor=actor, vote_url=vote_url, run=run)
        except services.ElectionError as exc:  # e.g. the poll closed meanwhile: said as it is
            raise jobs.JobError(str(exc)) from exc


def _may_view(user, job) -> bool:
    from . import rules
    from .models import Election

    election = Election.objects.filter(pk=(job.result or {}).get("election")).first()
    return election is not None and rules.can_manage(user, election)


def _back(job) -> str:
    from django.urls import reverse

    election = (job.result or {}).get("election")
    return reverse("elections:console", args=[job.organisation.slug, election]) if election else ""


jobs.kind("elections.email_codes", may_view=_may_view, back=_back)
