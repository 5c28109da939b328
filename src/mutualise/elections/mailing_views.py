"""The officer console's "email the codes" action and its progress (elections/mailing.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from mutualise.jobs.models import Job

from . import rules, services
from .views import _election, _require

KIND = "elections.email_codes"


def latest_job(election) -> Job | None:
    """The last codes-by-email job for this election, for the console's progress bar."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import email_codes

    tasks = DBTaskResult.objects.filter(
        task_path=email_codes.module_path, args_kwargs__args__1=election.pk
    ).values_list("id", flat=True)
    task_ids = [str(t) for t in tasks]
    jobs = Job.objects.filter(organisation=election.organisation, kind=KIND, task_id__in=task_ids)
    return jobs.order_by("-created_at", "-pk").first()


@login_required
@require_POST
def email_codes(request, slug, pk):
    election = _election(slug, pk)
    _require(rules.is_returning_officer, request.user, election)
    vote_url = request.build_absolute_uri(reverse("elections:vote", args=[slug, pk]))
    try:
        job = services.email_credentials(election, actor=request.user, vote_url=vote_url)
    except services.NotPermitted as exc:
        raise PermissionDenied(str(exc)) from None
    except services.ElectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Emailing {job.total} voting codes: the worker sends them")
    return redirect("elections:console", slug, pk)


@login_required
def email_codes_status(request, slug, pk):
    election = _election(slug, pk)
    _require(rules.can_manage, request.user, election)
    job = latest_job(election)
    if job is None:
        return JsonResponse({"state": "none", "done": 0, "total": 0, "unit": "messages"})
    return JsonResponse(
        {"state": job.state, "done": job.done, "total": job.total, "unit": job.unit,
         "error": job.error}
    )  # fmt: skip
