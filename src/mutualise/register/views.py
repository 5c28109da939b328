"""The register's pages: join, my membership, and the membership secretary's pages."""

from __future__ import annotations

import contextlib
import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from . import exports, representation, services
from .errors import DuplicateMember, MemberError, NotEligible
from .forms import CeaseForm, DetailsForm, ImportForm, JoinForm, PopulationForm, SearchForm
from .importing import check_file
from .models import Member, Organisation, PendingImport, PopulationTable, Role
from .search import search
from .tabular import TableError, whole_number

# Imports larger than this go to the worker's queue, with a progress bar on the page.
BACKGROUND_ROWS = 5000
BACKGROUND_BYTES = 1_000_000  # XLSX files have no lines to count
DATE_PARTS = [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)]


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


def officer_required(view):
    """Only the membership secretary (or an administrator) of this organisation."""

    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        organisation = _organisation(slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_perm("register.view_register", request.user, organisation):
            raise PermissionDenied("Only the membership secretary can see the register.")
        request.organisation = organisation
        return view(request, slug, *args, **kwargs)

    return wrapped


def _field_errors(form) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the GOV.UK error summary, in the order of the form."""
    found = []
    for name in form.fields:
        for message in form.errors.get(name, []):
            found.append((f"id_{name}", message))
    for name, message in getattr(form, "date_errors", {}).items():
        found.append((f"id_{name}_day", message))
    return found


# ---------------------------------------------------------------------------------------------
# Public


def _membership_cost(constitution) -> str:
    """What joining costs, from the rulebook's minimum shareholding, for the Join form."""
    shares = constitution.shares
    if shares is None or shares.minimum_holding_pence == 0:
        return "Membership is free."
    pence = shares.minimum_holding_pence
    pounds = f"£{pence // 100:,}" + (f".{pence % 100:02d}" if pence % 100 else "")
    count = pence // shares.nominal_value_pence
    each = shares.nominal_value_pence
    value = f"£{each // 100:,}" + (f".{each % 100:02d}" if each % 100 else "")
    plural = "share" if count == 1 else "shares"
    return f"Membership costs {pounds}: you buy {count:,} {plural} of {value} each."


def _joining_sign_in(request, organisation, email: str):
    """The sign-in a Join form's new member is linked to, or None. Only a person joining
    themselves: never anyone holding a role in the organisation (a secretary adding a member
    through the public form), never a sign-in with a membership here already, and never when
    the form gives an email other than the sign-in's own."""
    user = request.user
    if not user.is_authenticated:
        return None
    if Role.objects.filter(organisation=organisation, user=user).exists():
        return None
    if Member.objects.filter(organisation=organisation, user=user).exists():
        return None  # a sign-in account links to one record per organisation
    own = (user.email or "").strip().lower()
    if own and email and email.strip().lower() != own:
        return None
    return user


def join(request, slug):
    organisation = _organisation(slug)
    constitution = organisation.constitution
    form = JoinForm(request.POST or None, constitution=constitution)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        valid = form.is_valid() and not form.date_errors
        errors = _field_errors(form)
        if valid:
            user = _joining_sign_in(request, organisation, form.details().get("email", ""))
            try:
                member = services.join(
                    organisation,
                    actor=request.user if request.user.is_authenticated else "public",
                    user=user,
                    constituency_id=form.cleaned_data.get("constituency_id") or None,
                    class_id=form.cleaned_data.get("class_id") or "",
                    **form.details(),
                )
            except DuplicateMember:
                errors.append(
                    (
                        "id_display_name",
                        "You may already be a member. Contact the membership office to check"
                        " rather than joining again.",
                    )
                )
            except NotEligible as exc:
                anchor = "id_constituency_id" if "constituency_id" in form.fields else "id_postcode"
                for reason in exc.reasons:
                    errors.append((anchor, reason))
            except MemberError as exc:
                anchor = f"id_{exc.field}" if exc.field in form.fields else "id_display_name"
                errors.append((anchor, str(exc)))
            else:
                request.session["joined_member"] = member.pk
                return redirect("register:join_done", slug=slug)
    field_error = {}
    for anchor, message in errors:
        field_error.setdefault(anchor.removeprefix("id_").removesuffix("_day"), message)
    dates = [("date_of_birth", "Date of birth", "For example, 27 3 1985", "bday")]
    if form.asks_staff:
        dates.append(
            (
                "employment_start",
                "If you work for us, when did you start?",
                "For example, 1 9 2021",
                "",
            )
        )
    if form.asks_service:
        dates.append(
            (
                "last_service_use",
                "When did you last use our services?",
                "For example, 12 1 2026",
                "",
            )
        )
    return render(
        request,
        "register/join.html",
        {
            "form": form,
            "errors": errors,
            "field_error": field_error,
            "parts": DATE_PARTS,
            "dates": [
                {
                    "name": name,
                    "label": label,
                    "hint": hint,
                    "autocomplete": autocomplete,
                    "error": field_error.get(name, ""),
                    **{p: request.POST.get(f"{name}_{p}", "") for p, _, _ in DATE_PARTS},
                }
                for name, label, hint, autocomplete in dates
            ],
            "page_title": ("Error: " if errors else "") + f"Join {organisation.name}",
            "admission_by_board": constitution.membership.admission_by_board,
            "membership_cost": _membership_cost(constitution),
        },
        status=400 if errors else 200,
    )


def join_done(request, slug):
    organisation = _organisation(slug)
    member = get_object_or_404(
        Member, organisation=organisation, pk=request.session.get("joined_member", 0)
    )
    return render(
        request,
        "register/join_done.html",
        {"member": member, "page_title": "Application received"},
    )


@login_required
def my_membership(request, slug):
    organisation = _organisation(slug)
    member = Member.objects.filter(organisation=organisation, user=request.user).first()
    return render(
        request,
        "register/membership.html",
        {
            "member": member,
            "history": services.member_history(member) if member else [],
            "constituency": _constituency_name(organisation, member),
            "page_title": "Your membership",
        },
    )


@login_required
def my_data(request, slug):
    organisation = _organisation(slug)
    member = get_object_or_404(Member, organisation=organisation, user=request.user)
    return _json_download(services.subject_access(member), f"my-data-{member.number}.json")


def _json_download(data, name: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _constituency_name(organisation, member) -> str:
    if member is None:
        return ""
    try:
        return organisation.constitution.constituency(member.constituency_id).name
    except KeyError:
        return member.constituency_id


# ---------------------------------------------------------------------------------------------
# Officers


@officer_required
def members(request, slug):
    organisation = request.organisation
    form = SearchForm(request.GET or None)
    query = request.GET.get("q", "").strip()
    results = list(search(organisation, query)) if query else []
    return render(
        request,
        "register/members.html",
        {
            "form": form,
            "query": query,
            "results": results,
            "counts": exports.counts(organisation),
            "pending": Member.objects.filter(
                organisation=organisation, status=Member.Status.APPLIED
            ).order_by("number")[:50],
            "page_title": "Members",
        },
    )


def _member(request, number) -> Member:
    return get_object_or_404(Member, organisation=request.organisation, number=number)


@officer_required
def member(request, slug, number):
    record = _member(request, number)
    return render(
        request,
        "register/member.html",
        {
            "member": record,
            "history": services.member_history(record),
            "periods": record.periods.order_by("started_on"),
            "constituency": _constituency_name(request.organisation, record),
            "cease_form": CeaseForm(),
            "reasons": services.eligibility_reasons(record) if record.is_member else [],
            "duplicates": services.find_duplicates(
                request.organisation,
                email=record.email,
                display_name=record.display_name,
                date_of_birth=record.date_of_birth,
                postcode=record.postcode,
                exclude=record,
            )
            if not record.erased_at
            else [],
            "page_title": f"Member {record.number}",
        },
    )


@officer_required
def member_edit(request, slug, number):
    record = _member(request, number)
    if not has_perm("register.manage_members", request.user, request.organisation):
        raise PermissionDenied("Only the membership secretary can change the register.")
    if record.erased_at:
        raise Http404("This member's details have been erased.")
    initial = {
        f: getattr(record, f) for f in ("display_name", "address", "postcode", "email", "phone")
    }
    form = DetailsForm(request.POST or None, initial=initial)
    errors = []
    if request.method == "POST":
        valid = form.is_valid() and not form.date_errors
        errors = _field_errors(form)
        if valid:
            changes = {k: v for k, v in form.cleaned_data.items() if k != "employment_end"}
            if form.cleaned_data.get("employment_end") or record.employment_end:
                changes["employment_end"] = form.cleaned_data.get("employment_end")
            try:
                services.update_details(record, actor=request.user, **changes)
            except MemberError as exc:
                errors.append((f"id_{exc.field or 'display_name'}", str(exc)))
            else:
                messages.success(request, f"Member {record.number}'s details saved.")
                return redirect("register:member", slug=slug, number=number)
    field_error = {}
    for anchor, message in errors:
        field_error.setdefault(anchor.removeprefix("id_").removesuffix("_day"), message)
    end = record.employment_end
    return render(
        request,
        "register/member_edit.html",
        {
            "member": record,
            "form": form,
            "errors": errors,
            "field_error": field_error,
            "parts": DATE_PARTS,
            "end": {
                p: request.POST.get(f"employment_end_{p}", getattr(end, p, "") if end else "")
                for p, _, _ in DATE_PARTS
            },
            "page_title": ("Error: " if errors else "") + f"Change member {record.number}",
        },
        status=400 if errors else 200,
    )


@officer_required
@require_POST
def member_action(request, slug, number, action):
    record = _member(request, number)
    actor = request.user
    permission = "register.erase_member" if action == "erase" else "register.manage_members"
    if not has_perm(permission, actor, request.organisation):
        raise PermissionDenied("Only the membership secretary can change the register.")
    try:
        if action == "admit":
            services.admit(record, actor=actor)
            done = "admitted"
        elif action == "decline":
            services.decline(record, actor=actor)
            done = "declined"
        elif action == "cease":
            form = CeaseForm(request.POST)
            if not form.is_valid():
                raise MemberError("Choose why the membership is ending")
            services.cease(
                record, form.cleaned_data["reason"], actor=actor, note=form.cleaned_data["note"]
            )
            done = "ended"
        elif action == "confirm-ineligible":
            services.confirm_ineligible(record, actor=actor)
            done = "ended (no longer eligible)"
        elif action == "rejoin":
            services.rejoin(record, actor=actor)
            done = "re-joined"
        elif action == "merge":
            other = _member(
                request, whole_number(request.POST.get("duplicate", ""), max_digits=18) or 0
            )
            services.merge(record, other, actor=actor)
            done = f"merged with {other.number}"
        elif action == "erase":
            services.erase(record, actor=actor)
            done = "erased"
        else:
            raise MemberError(f"unknown action '{action}'")
    except MemberError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Member {record.number} {done}.")
    return redirect("register:member", slug=slug, number=number)


@officer_required
def member_data(request, slug, number):
    record = _member(request, number)
    data = services.subject_access(record)
    if request.GET.get("format") == "json":
        return _json_download(data, f"member-{record.number}.json")
    return render(
        request,
        "register/subject_access.html",
        {"member": record, "data": data, "page_title": f"Everything held about {record.number}"},
    )


@officer_required
def export(request, slug, fmt):
    organisation = request.organisation
    if fmt not in ("csv", "xlsx"):
        raise Http404("The register can be downloaded as .csv or .xlsx")
    name = f"{organisation.slug}-register"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.extract_xlsx(organisation),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(
            exports.extract_csv(organisation), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@officer_required
def recheck(request, slug):
    return render(
        request,
        "register/recheck.html",
        {
            "findings": services.recheck_register(request.organisation),
            "page_title": "Eligibility re-check",
        },
    )


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
                from .importing import parse_mapping

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
        {"form": form, "errors": errors, "page_title": "Import members"},
        status=400 if errors else 200,
    )


def _pending(request, pk) -> PendingImport:
    return get_object_or_404(PendingImport, organisation=request.organisation, pk=pk)


@officer_required
def import_preview(request, slug, pk):
    _may_import(request)
    pending = _pending(request, pk)
    if pending.state != "uploaded":
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
        {"pending": pending, "job": pending.job, "page_title": "Importing members"},
    )


@officer_required
def import_status(request, slug, pk):
    pending = _pending(request, pk)
    job = pending.job
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
            "page_title": "Representativeness",
            "report_url": reverse("register:report", args=[slug]),
        },
        status=400 if errors else 200,
    )
