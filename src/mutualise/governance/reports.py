"""Annual reports: the membership section of an NHS foundation trust's annual report (members
by constituency at the year's start, joiners, leavers, at its end; representativeness), and the
facts an annual return to the registrar needs (members, officers, dates), as CSV and PDF."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django.db.models import Count
from fpdf import FPDF

from mutualise.constitution import calendar
from mutualise.meetings.models import Meeting
from mutualise.register import representation
from mutualise.register.models import StatusChange

from . import public
from .models import OfficeHolding


def last_year_end(organisation, today: date) -> date:
    """The end of the last financial year to have ended by today (on a year-end day, the year
    before: `calendar.last_year_end` says why)."""
    end = organisation.constitution.organisation.financial_year_end
    return calendar.last_year_end(today, end.day, end.month)


def year_end_in(organisation, year: int) -> date:
    """The last day of the organisation's financial year ending in calendar `year`."""
    end = organisation.constitution.organisation.financial_year_end
    return calendar.year_end_in(year, end.day, end.month)


def _events(organisation, kinds, after: date, until: date) -> dict[str, int]:
    rows = (
        StatusChange.objects.filter(
            organisation=organisation,
            event__in=kinds,
            effective_on__gt=after,
            effective_on__lte=until,
        )
        .values_list("member__constituency_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    return dict(rows)


def membership_section(organisation, year_end: date) -> dict:
    constitution = organisation.constitution
    end = constitution.organisation.financial_year_end
    previous = calendar.last_year_end(year_end, end.day, end.month)  # the year before's end
    periods = public._periods(organisation)
    at_start, at_end = public.members_on(periods, previous), public.members_on(periods, year_end)
    joined = _events(
        organisation, [StatusChange.Event.ADMITTED, StatusChange.Event.REJOINED], previous, year_end
    )
    left = _events(organisation, [StatusChange.Event.CEASED], previous, year_end)
    rows = []
    for c in constitution.constituencies:
        rows.append([c.name, at_start[c.id], joined.get(c.id, 0), left.get(c.id, 0), at_end[c.id]])
    rows.append(
        [
            "Total",
            sum(r[1] for r in rows),
            sum(r[2] for r in rows),
            sum(r[3] for r in rows),
            sum(r[4] for r in rows),
        ]
    )
    start = previous + timedelta(days=1)
    sections = [
        (
            f"Members by constituency, {start.day} {start:%B %Y} to {year_end.day} "
            f"{year_end:%B %Y}",
            ["Constituency", "At year start", "Joined", "Left", "At year end"],
            rows,
        )
    ]
    table = organisation.population_tables.first()
    for section in representation.report(organisation, table.rows if table else None, year_end):
        sections.append(
            (
                f"Representativeness: by {section.title.lower()}",
                [section.title, "Members", "Share of members", "Share of population"],
                [
                    [line.category, line.members, line.member_percent, line.population_percent]
                    for line in section.lines
                ],
            )
        )
    return {
        "title": f"{organisation.name}: membership report for the year to "
        f"{year_end.day} {year_end:%B %Y}",
        "sections": sections,
    }


def annual_return(organisation, year_end: date) -> dict:
    constitution = organisation.constitution
    periods = public._periods(organisation)
    members = sum(public.members_on(periods, year_end).values())
    agm = (
        Meeting.objects.filter(
            organisation=organisation,
            state="closed",
            kind__in=[k.id for k in constitution.meeting_kinds() if k.annual],
            starts_at__date__gt=year_end,
        )
        .order_by("starts_at")
        .first()
    )
    due = calendar.add_months(year_end, 7)
    facts_rows = [
        ["Registered name", constitution.organisation.name],
        ["Legal form", str(constitution.organisation.legal_form)],
        ["Financial year end", f"{year_end.isoformat()}"],
        ["Members at the year end", members],
        ["Annual general meeting held", agm.date.isoformat() if agm else "not yet held"],
        ["Annual return due (year end + 7 months, CCBSA 2014 s.89)", due.isoformat()],
        ["Share capital", "not recorded: mutualise does not keep share accounts yet"],
    ]
    officers = [
        [
            h.holder_name,
            f"{h.body_id}: {h.seat_label}",
            h.get_how_display(),
            h.started_on.isoformat(),
            h.ended_on.isoformat() if h.ended_on else "",
        ]
        for h in OfficeHolding.objects.filter(organisation=organisation, started_on__lte=year_end)
        .exclude(ended_on__lte=last_year_end(organisation, year_end))
        .order_by("body_id", "office_id", "seat_group_id", "holder_name")
    ]
    return {
        "title": f"{constitution.organisation.name}: facts for the annual return, year to "
        f"{year_end.day} {year_end:%B %Y}",
        "sections": [
            ("The society", ["Fact", "Value"], facts_rows),
            (
                "Officers during the year (s.30(3) register)",
                ["Name", "Office", "How", "From", "To"],
                officers,
            ),
        ],
    }


def as_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([data["title"]])
    for heading, columns, rows in data["sections"]:
        writer.writerow([])
        writer.writerow([heading])
        writer.writerow(columns)
        writer.writerows(rows)
    return out.getvalue()


def _latin(value) -> str:
    text = str(value)
    for bad, good in {"\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-"}.items():
        text = text.replace(bad, good)
    return text.encode("latin-1", "replace").decode("latin-1")


def as_pdf(data: dict) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin(data["title"]))
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, _latin(data["title"]), new_x="LMARGIN", new_y="NEXT")
    for heading, columns, rows in data["sections"]:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 11)
        pdf.multi_cell(0, 6, _latin(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        with pdf.table(col_widths=None, text_align="LEFT") as table:
            header = table.row()
            for column in columns:
                header.cell(_latin(column))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(_latin(value))
    return bytes(pdf.output())
