"""The officers' register: browse it (filters, pages), add a member directly, and the import
page's template files."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from .. import browse, exports, services
from ..errors import DuplicateMember, MemberError, NotEligible, NotPermitted
from ..forms import AddMemberForm, BrowseForm
from ..importing import template
from ..models import Member
from ..search import search
from .common import DATE_PARTS, _field_errors, officer_required


def _dates(request, form, names: list[tuple[str, str, str]]) -> list[dict]:
    return [
        {
            "name": name,
            "label": label,
            "hint": hint,
            "error": form.date_errors.get(name, "") if form.is_bound else "",
            **{p: (request.POST or request.GET).get(f"{name}_{p}", "") for p, _, _ in DATE_PARTS},
        }
        for name, label, hint in names
    ]


@officer_required
def members(request, slug):
    organisation = request.organisation
    query = request.GET.get("q", "").strip()
    form = BrowseForm(request.GET, constitution=organisation.constitution)
    filters = browse.Filters()
    errors = []
    if form.is_valid() and not form.date_errors:
        data = form.cleaned_data
        filters = browse.Filters(
            status=data["status"],
            constituency_id=data["constituency"],
            class_id=data.get("member_class", ""),
            joined_from=data.get("joined_from"),
            joined_to=data.get("joined_to"),
        )
    else:
        errors = _field_errors(form)
    shown = browse.page(organisation, filters, request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "register/members.html",
        {
            "form": form,
            "errors": errors,
            "query": query,
            "results": list(search(organisation, query)) if query else [],
            "counts": exports.counts(organisation),
            "page": shown,
            "filtered": filters.active(),
            "keep": keep.urlencode(),
            "parts": DATE_PARTS,
            "dates": _dates(
                request,
                form,
                [
                    ("joined_from", "Joined on or after", "For example, 1 4 2024"),
                    ("joined_to", "Joined on or before", "For example, 31 3 2025"),
                ],
            ),  # fmt: skip
            "may_add": has_perm("register.manage_members", request.user, organisation),
            "pending": Member.objects.filter(
                organisation=organisation, status=Member.Status.APPLIED
            ).order_by("number")[:50],
            "page_title": ("Error: " if errors else "") + "Members",
        },
        status=400 if errors else 200,
    )


@officer_required
def add_member(request, slug):
    organisation = request.organisation
    if not has_perm("register.manage_members", request.user, organisation):
        raise NotPermitted("Only the membership secretary can add members.")
    form = AddMemberForm(request.POST or None, constitution=organisation.constitution)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        valid = form.is_valid() and not form.date_errors
        errors = _field_errors(form)
        if valid:
            try:
                member = services.add_member(
                    organisation,
                    actor=request.user,
                    joined_on=form.cleaned_data.get("joined_on"),
                    allow_duplicate=request.POST.get("confirm_duplicate") == "yes",
                    constituency_id=form.cleaned_data.get("constituency_id") or None,
                    class_id=form.cleaned_data.get("class_id") or "",
                    **form.details(),
                )
            except DuplicateMember as exc:
                errors.append(("id_display_name", f"{exc} Check before adding them again."))
            except NotEligible as exc:
                anchor = "id_constituency_id" if "constituency_id" in form.fields else "id_postcode"
                errors += [(anchor, reason) for reason in exc.reasons]
            except MemberError as exc:
                anchor = f"id_{exc.field}" if exc.field in form.fields else "id_display_name"
                errors.append((anchor, str(exc)))
            else:
                status = "added" if member.is_member else "added as an applicant for the board"
                messages.success(
                    request, f"{member.display_name} {status}: number {member.number}."
                )
                return redirect("register:member", slug=slug, number=member.number)
    field_error = {}
    for anchor, message in errors:
        field_error.setdefault(anchor.removeprefix("id_").removesuffix("_day"), message)
    names = [("date_of_birth", "Date of birth", "For example, 27 3 1985")]
    if form.asks_staff:
        names.append(("employment_start", "If they work for us, when did they start?",
                      "For example, 1 9 2021"))  # fmt: skip
    if form.asks_service:
        names.append(("last_service_use", "When did they last use our services?",
                      "For example, 12 1 2026"))  # fmt: skip
    names.append(
        ("joined_on", "Date they joined (optional)", "Empty: today. For example, 1 4 2024")
    )
    dates = _dates(request, form, names)
    for d in dates:
        d["error"] = field_error.get(d["name"], "")
    return render(
        request,
        "register/add_member.html",
        {
            "form": form,
            "errors": errors,
            "field_error": field_error,
            "parts": DATE_PARTS,
            "dates": dates,
            "duplicate": any("already be a member" in m for _, m in errors),
            "admission_by_board": organisation.constitution.membership.admission_by_board,
            "page_title": ("Error: " if errors else "") + "Add a member",
        },
        status=400 if errors else 200,
    )


@officer_required
def import_template(request, slug, fmt):
    constitution = request.organisation.constitution
    if fmt == "csv":
        response = HttpResponse(template.template_csv(constitution), content_type="text/csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            template.template_xlsx(constitution),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("The template comes as .csv or .xlsx")
    name = f"{request.organisation.slug}-import-template.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
