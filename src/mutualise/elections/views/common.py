"""What the election pages share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from mutualise.jobs import services as jobs
from mutualise.jobs.models import Job

from ..models import Election


def _election(slug: str, pk: int) -> Election:
    return get_object_or_404(
        Election.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )


def _require(predicate, user, election):
    if not predicate(user, election):
        raise PermissionDenied


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _declared(slug, pk) -> Election:
    election = _election(slug, pk)
    if not election.result_declared or election.result is None:
        raise Http404("the result has not been declared")
    return election


EMAIL_CODES_KIND = "elections.email_codes"


def latest_job(election) -> Job | None:
    """The last codes-by-email job for this election, with its live progress."""
    found = Job.objects.filter(
        organisation=election.organisation, kind=EMAIL_CODES_KIND, result__election=election.pk
    ).order_by("-created_at", "-pk")
    return jobs.live(found.first())
