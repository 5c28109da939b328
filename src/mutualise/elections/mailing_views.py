"""The officer console's "email the codes" action and its progress (elections/mailing.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import rules, services
from .views import _election, _require
from .views.common import latest_job


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
