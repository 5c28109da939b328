"""Officers' pages on members: the list, a member, edits, actions, export, re-check."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from .. import exports, lifecycle, services
from ..errors import MemberError
from ..forms import CeaseForm, DetailsForm
from ..models import Member
from ..tabular import whole_number
from .common import DATE_PARTS, _constituency_name, _field_errors, _json_download, officer_required

# ---------------------------------------------------------------------------------------------
# Officers


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
            "moves": lifecycle.offered(record.status),
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
@require_POST
def export_job(request, slug):
    """Start the register extract as the worker's job; its page offers the file."""
    try:
        job = services.queue_export(
            request.organisation, request.POST.get("format", ""), actor=request.user
        )
    except MemberError as exc:
        # A GOV.UK error page, like every other refusal of a form (issue 11.5).
        context = {"errors": [("format-error", str(exc))], "page_title": "Export the register"}
        return render(request, "register/export_refused.html", context, status=400)
    return redirect("jobs:job", slug=slug, pk=job.pk)


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
            "findings": services.recheck_register(request.organisation, actor=request.user),
            "page_title": "Eligibility re-check",
        },
    )
