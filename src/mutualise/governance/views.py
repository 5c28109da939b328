"""The public accountability page, the annual reports (CSV, PDF) and, for the install's system
administrators, every organisation by its findings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from mutualise.register import representation
from mutualise.register.models import Organisation, PopulationTable

from . import chart, public, reports, services
from .models import HealthReport


def accountability(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    today = timezone.localdate()
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
            "findings": findings,
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
            "page_title": "Accountability",
        },
    )


def annual_report(request, slug, kind, fmt):
    if kind not in ("membership", "annual-return") or fmt not in ("csv", "pdf"):
        raise Http404("reports are membership or annual-return, as csv or pdf")
    organisation = get_object_or_404(Organisation, slug=slug)
    year_end = reports.last_year_end(organisation, timezone.localdate())
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
            findings, checked = [f.as_dict() for f in live[o.pk]], timezone.localdate()
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
