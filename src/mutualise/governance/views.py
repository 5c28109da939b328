"""The public accountability page, the annual reports (CSV, PDF) and, for the install's system
administrators, every organisation by its findings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mutualise import clock
from mutualise.jobs import schedule
from mutualise.register import representation
from mutualise.register.models import Member, Organisation, PopulationTable
from mutualise.register.tabular import whole_number

from . import (
    chart,
    public,
    reports,
    services,
    tasks,  # noqa: F401  (declares the daily jobs the reminders page lists)
)
from .checks.rule_words import in_words
from .forms import AppointForm, EndForm
from .models import HealthReport, OfficeHolding, Reminder


def accountability(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    today = clock.localdate()
    findings = services.check_organisation(organisation, today=today, verify_audit=False)
    dates, series = public.members_over_time(organisation, today)
    holders, elected, seats = public.holders(organisation, today)
    table = PopulationTable.objects.filter(organisation=organisation).first()
    sections = [
        s
        for s in representation.report(organisation, table.rows if table else None, today)
        if s.dimension == "constituency" or table is not None
    ]
    sequence, head_hash = public.audit_head(organisation)
    return render(
        request,
        "governance/accountability.html",
        {
            "organisation": organisation,
            "today": today,
            "findings": [(f, in_words(f.rule)) for f in findings],
            "serious": sum(1 for f in findings if f.severity == "serious"),
            "chart": chart.members_chart([f"{d:%b %Y}" for d in dates], series),
            "constituencies": list(series),
            "members_rows": list(zip(dates, zip(*series.values(), strict=True), strict=True)),
            "sections": [(s, s.svg(360)) for s in sections],
            "holders": holders,
            "elected": elected,
            "seats": seats,
            "elected_percent": round(100 * elected / seats) if seats else None,
            "meetings": public.meetings_held(organisation),
            "elections": public.elections_held(organisation),
            "audit_sequence": sequence,
            "audit_hash": head_hash,
            "can_keep": request.user.has_perm("governance.manage_holders", organisation),
            "page_title": "Accountability",
        },
    )


def annual_report(request, slug, kind, fmt):
    if kind not in ("membership", "annual-return") or fmt not in ("csv", "pdf"):
        raise Http404("reports are membership or annual-return, as csv or pdf")
    organisation = get_object_or_404(Organisation, slug=slug)
    year_end = reports.last_year_end(organisation, clock.localdate())
    year = request.GET.get("year", "")
    if year:  # the financial year ending in this calendar year
        number = whole_number(year, max_digits=4)  # '²' passes isdigit(); int() refuses it
        if number is None or not 1900 < number <= year_end.year:
            raise Http404(f"year must be a year up to {year_end.year}, not '{year[:20]}'")
        year_end = reports.year_end_in(organisation, number)
    if kind == "membership":
        data = reports.membership_section(organisation, year_end)
    else:
        data = reports.annual_return(organisation, year_end)
    name = f"{organisation.slug}-{kind}-{year_end:%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(reports.as_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(reports.as_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def all_organisations(request):
    if not request.user.has_perm("governance.view_all_organisations"):
        raise PermissionDenied("Only a system administrator may see every organisation.")
    stored = {r.organisation_id: r for r in HealthReport.objects.all()}
    organisations = list(Organisation.objects.all())
    missing = [o for o in organisations if o.pk not in stored]
    live = services.health_all(missing) if missing else {}
    rows = []
    for o in organisations:
        if o.pk in stored:
            report = stored[o.pk]
            findings, checked = report.findings, report.checked_on
        else:
            findings, checked = [f.as_dict() for f in live[o.pk]], clock.localdate()
        serious = sum(1 for f in findings if f["severity"] == "serious")
        rows.append(
            {
                "organisation": o,
                "findings": findings,
                "serious": serious,
                "others": len(findings) - serious,
                "checked_on": checked,
            }
        )
    rows.sort(key=lambda r: (-r["serious"], -r["others"], r["organisation"].name))
    return render(
        request,
        "governance/all.html",
        {"rows": rows, "page_title": "Every organisation's findings"},
    )


def _keeper(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        raise PermissionDenied("Sign in as the membership secretary or an administrator.")
    if not request.user.has_perm("governance.manage_holders", organisation):
        raise PermissionDenied(
            "Only the membership secretary or an administrator may keep "
            "the register of office holders."
        )
    return organisation


def _errors(form) -> list[tuple[str, str]]:
    return [
        (f"id_{name}", message) for name in form.fields for message in form.errors.get(name, [])
    ]


def holders(request, slug):
    organisation = _keeper(request, slug)
    form = AppointForm(organisation.constitution, request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        body_id, kind, seat_id = data["seat"].split("|")
        member = None
        if data["member"]:
            member = Member.objects.filter(organisation=organisation, number=data["member"]).first()
        if data["member"] and member is None:
            errors.append(("id_member", f"There is no member {data['member']}"))
        else:
            try:
                services.appoint(
                    organisation,
                    body_id=body_id,
                    seat_group_id=seat_id if kind == "seat" else "",
                    office_id=seat_id if kind == "office" else "",
                    how=data["how"],
                    chosen_by=data["chosen_by"],
                    decided_on=data["decided_on"],
                    member=member,
                    holder_name=data["holder_name"],
                    address=data["address"],
                    actor=request.user,
                )
            except services.GovernanceError as exc:
                errors.append(("id_seat", str(exc)))
            else:
                messages.success(request, "The appointment is recorded.")
                return redirect("governance:holders", slug=slug)
    errors = _errors(form) + errors
    bodies = {b.id: b for b in organisation.constitution.bodies}
    holders = list(services.current_holders(organisation))
    for h in holders:  # words for the seat, not the rulebook's ids
        body = bodies.get(h.body_id)
        h.place = f"{body.name}: {body.seat_label(h.seat_label)}" if body else h.seat_label
        h.chosen_phrase = organisation.constitution.chosen_phrase(h.how, h.chosen_by)
    return render(
        request,
        "governance/holders.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": errors,
            "holders": holders,
            "page_title": ("Error: " if errors else "") + "Office holders",
        },
        status=400 if errors else 200,
    )


@require_POST
def end_holding(request, slug, pk):
    organisation = _keeper(request, slug)
    holding = get_object_or_404(OfficeHolding, organisation=organisation, pk=pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "To end a holding, give the first day no longer held and why.")
    else:
        try:
            services.end_holding(
                holding,
                on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except services.GovernanceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{holding.holder_name}'s holding has ended.")
    return redirect("governance:holders", slug=slug)


def reminders(request, slug):
    """The officers' reminders (raised daily from the rulebook), and the daily runs' state."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        raise PermissionDenied("Sign in as the membership secretary or an administrator.")
    if not request.user.has_perm("governance.handle_reminders", organisation):
        raise PermissionDenied(
            "Only the membership secretary or an administrator sees the officers' reminders."
        )
    return render(
        request,
        "governance/reminders.html",
        {
            "organisation": organisation,
            "reminders": services.open_reminders(organisation),
            "daily": schedule.last_runs(),
            "page_title": "Reminders for officers",
        },
    )


@require_POST
def close_reminder(request, slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    reminder = get_object_or_404(Reminder, organisation=organisation, pk=pk)
    try:
        services.close_reminder(reminder, actor=request.user)
    except services.NotPermitted as exc:
        raise PermissionDenied(str(exc)) from None
    except services.GovernanceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Marked as dealt with: {reminder.title}.")
    return redirect("governance:reminders", slug=slug)
