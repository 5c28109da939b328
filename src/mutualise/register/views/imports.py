"""Importing a register: upload, preview, progress, rejected rows, the report."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from mutualise.jobs import services as jobs

from .. import import_lifecycle, representation, services
from ..browse import names
from ..errors import MemberError
from ..forms import ImportForm, PopulationForm
from ..importing import check_file, parse_mapping, template
from ..models import PendingImport, PopulationTable
from ..tabular import TableError
from .common import _field_errors, officer_required

# Imports larger than this go to the worker's queue, with a progress bar on the page.
BACKGROUND_ROWS = 5000
BACKGROUND_BYTES = 1_000_000  # XLSX files have no lines to count


def _may_import(request) -> None:
    if not has_perm("register.import_members", request.user, request.organisation):
        raise PermissionDenied("Only the membership secretary can import members.")


@officer_required
def import_upload(request, slug):
    _may_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                mapping = parse_mapping(form.cleaned_data["mapping"])
            except TableError as exc:
                errors.append(("id_mapping", str(exc)))
            else:
                pending = services.upload_import(
                    request.organisation,
                    upload.read(),
                    upload.name,
                    mapping=mapping,
                    actor=request.user,
                )
                return redirect("register:import_preview", slug=slug, pk=pending.pk)
        errors += _field_errors(form)
    return render(
        request,
        "register/import_upload.html",
        {
            "form": form,
            "errors": errors,
            "guide": template.guide(request.organisation.constitution),
            "page_title": ("Error: " if errors else "") + "Import members",
        },
        status=400 if errors else 200,
    )


def _pending(request, pk) -> PendingImport:
    return get_object_or_404(PendingImport, organisation=request.organisation, pk=pk)


@officer_required
def import_preview(request, slug, pk):
    _may_import(request)
    pending = _pending(request, pk)
    if not import_lifecycle.awaits_decision(pending):
        return redirect("register:import_progress", slug=slug, pk=pk)
    board_admits = request.organisation.constitution.membership.admission_by_board
    if request.method == "POST":
        # Accepting checks every row again inside the import; no need to check twice here.
        as_applicants = board_admits and request.POST.get("joining") == "applicants"
        content = bytes(pending.content)
        if content.count(b"\n") > BACKGROUND_ROWS or len(content) > BACKGROUND_BYTES:
            _start_in_background(pending.pk, request.user, as_applicants)
        else:
            _run(pending.pk, request.user, as_applicants)
        return redirect("register:import_progress", slug=slug, pk=pk)
    try:
        result = check_file(
            request.organisation, bytes(pending.content), pending.file_name, pending.mapping
        )
        error = ""
    except TableError as exc:
        result, error = None, str(exc)
    if result is not None:
        constituencies, classes = names(request.organisation)
        for row in result.preview:
            row["constituency_name"] = constituencies.get(row["constituency_id"], "")
            row["class_name"] = classes.get(row["class_id"], "")
    return render(
        request,
        "register/import_preview.html",
        {
            "pending": pending,
            "result": result,
            "error": error,
            "problems": result.problems[:500] if result else [],
            "problem_counts": result.problem_counts().most_common() if result else [],
            "board_admits": board_admits,
            "page_title": "Check the import",
        },
    )


def _run(pending_id: int, user, as_applicants: bool = False) -> None:
    # A failure is recorded on the pending import and shown on the progress page.
    with contextlib.suppress(TableError, MemberError):
        services.run_pending_import(pending_id, actor=user, as_applicants=as_applicants)


def _start_in_background(pending_id: int, user, as_applicants: bool = False) -> None:
    pending = PendingImport.objects.get(pk=pending_id)
    with contextlib.suppress(MemberError):  # already accepted (a second click): just show it
        services.queue_import(pending, actor=user, as_applicants=as_applicants)


@officer_required
def import_progress(request, slug, pk):
    pending = _pending(request, pk)
    return render(
        request,
        "register/import_progress.html",
        {"pending": pending, "job": jobs.live(pending.job), "page_title": "Importing members"},
    )


@officer_required
def import_status(request, slug, pk):
    pending = _pending(request, pk)
    job = jobs.live(pending.job)  # with the progress the running import has reported
    done = pending.rows_done if pending.batch_id or not job else job.done
    total = job.total if job else pending.rows_total
    return JsonResponse(
        {
            "state": pending.state,
            "done": done,
            "total": total,
            "unit": "rows",
            "rows_done": done,
            "rows_total": total,
            "error": pending.error,
        }
    )


@officer_required
def import_rejected(request, slug, pk):
    pending = _pending(request, pk)
    response = HttpResponse("\ufeff" + pending.rejected_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-{pending.file_name}.csv"'
    return response


@officer_required
@require_POST
def import_discard(request, slug, pk):
    _may_import(request)
    services.discard_import(_pending(request, pk), actor=request.user)
    messages.success(request, "The uploaded file has been deleted.")
    return redirect("register:members", slug=slug)


@officer_required
def report(request, slug):
    organisation = request.organisation
    form = PopulationForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.upload_population(
                    organisation, upload.read(), upload.name, actor=request.user
                )
            except TableError as exc:
                errors.append(("id_file", str(exc)))
            else:
                messages.success(request, "Population table uploaded.")
                return redirect("register:report", slug=slug)
        errors += _field_errors(form)
    table = PopulationTable.objects.filter(organisation=organisation).first()
    sections = representation.report(organisation, table.rows if table else None)
    return render(
        request,
        "register/report.html",
        {
            "form": form,
            "errors": errors,
            "table": table,
            "sections": sections,
            "page_title": ("Error: " if errors else "") + "Representativeness",
            "report_url": reverse("register:report", args=[slug]),
        },
        status=400 if errors else 200,
    )
