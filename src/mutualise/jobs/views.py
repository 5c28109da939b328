"""A job's page: its progress bar while it runs (refreshing itself, no script needed), then
its outcome and its file to download. Who may see it is said by the job's kind (each app
registers its kinds beside its tasks: jobs.services.kind)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.module_loading import autodiscover_modules
from django.views.decorators.http import require_POST

from . import services as jobs
from .models import Job


def _job(request, slug: str, pk: int) -> Job:
    autodiscover_modules("tasks")  # the kinds are declared beside the tasks
    job = get_object_or_404(
        Job.objects.select_related("organisation"), pk=pk, organisation__slug=slug
    )
    if not jobs.may_view(request.user, job):
        raise PermissionDenied("You may not see this job.")
    return jobs.live(job)


def job_page(request, slug, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = _job(request, slug, pk)
    return render(
        request,
        "jobs/job.html",
        {
            "job": job,
            "organisation": job.organisation,
            "output": jobs.current_output(job) if job.succeeded else None,
            "back": jobs.back_url(job),
            "once": jobs.downloads_once(job),
            "page_title": job.label,
        },
    )


def job_status(request, slug, pk):
    if not request.user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    job = _job(request, slug, pk)
    return JsonResponse(
        {"state": job.state, "done": job.done, "total": job.total, "unit": job.unit,
         "error": job.error}
    )  # fmt: skip


def job_download(request, slug, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = _job(request, slug, pk)
    if not job.succeeded or jobs.current_output(job) is None:
        raise PermissionDenied("This job has no file to download (yet, or any more).")
    output = jobs.download_output(job, actor=request.user)
    response = HttpResponse(bytes(output.content), content_type=output.content_type)
    response["Content-Disposition"] = f'attachment; filename="{output.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def job_delete_file(request, slug, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = _job(request, slug, pk)
    jobs.delete_output(job, actor=request.user)
    return redirect("jobs:job", slug=slug, pk=pk)
