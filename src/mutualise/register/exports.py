"""Register extracts (CSV, XLSX) for statutory inspection and mailings, and counts.

Spreadsheet programs run a cell that starts with =, +, - or @ as a formula, so such cells (and
those starting with a tab or carriage return) get a leading apostrophe: 'formula injection' by
a member who gives their name as =HYPERLINK(...) cannot reach the officer's computer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from django.db.models import Count

from .browse import names
from .cells import DANGEROUS_FIRST, neutralise  # noqa: F401 (re-exported for other apps)
from .importing.template import columns as template_columns
from .models import Organisation
from .queries import active_members

# The extract's columns, in this order where the rulebook has them: the import's own headings
# (importing/template.py), so that a register exported imports back as it is.
ORDER = (
    "display_name", "address", "postcode", "email", "phone", "date_of_birth", "contact_channel",
    "large_print", "easy_read", "language", "constituency_id", "class_id", "is_staff",
    "contract_fixed_term", "contract_months", "employment_start", "last_service_use",
    "attestations", "admitted_on", "external_ref",
)  # fmt: skip
NUMBER_FORMAT = {"date": "DD/MM/YYYY"}


def columns(organisation: Organisation) -> list[tuple[str, str]]:
    """(field, heading): the membership number, then the import template's columns for this
    rulebook (constituency and class always, where it has them)."""
    constitution = organisation.constitution
    found = {c.field: c.heading for c in template_columns(constitution)}
    found.setdefault("constituency_id", "Constituency")
    if not any(c.classes for c in constitution.constituencies):
        found.pop("class_id", None)
    else:
        found.setdefault("class_id", "Class")
    return [("number", "Membership number")] + [(f, found[f]) for f in ORDER if f in found]


def _typed(organisation: Organisation):
    """Each field's value as the extract carries it: constituencies and classes by name,
    confirmations joined, references made by an import left out (it makes them again), text
    neutralised; numbers and dates stay numbers and dates (the XLSX types its cells)."""
    constituencies, classes = names(organisation)

    def cell(field: str, value):
        if value is None or value == "":
            return ""
        if field == "constituency_id":
            return neutralise(constituencies.get(value, value))
        if field == "class_id":
            return neutralise(classes.get(value, value))
        if field == "attestations":
            return neutralise("; ".join(value))
        if field == "external_ref" and str(value).startswith("auto:"):
            return ""
        if isinstance(value, bool):
            return neutralise(value)
        if isinstance(value, (int, date)):
            return value
        return neutralise(value)

    return cell


def extract_rows(organisation: Organisation, on: date | None = None) -> Iterator[list]:
    """The heading, then one row per current member, in number order: text neutralised, numbers
    and dates as themselves."""
    found = columns(organisation)
    yield [label for _, label in found]
    fields = [name for name, _ in found]
    cell = _typed(organisation)
    rows = active_members(organisation, on).order_by("number").values_list(*fields)
    for row in rows.iterator(chunk_size=5000):
        yield [cell(f, v) for f, v in zip(fields, row, strict=True)]


def _text(row: list) -> list[str]:
    return [v.isoformat() if isinstance(v, date) else str(v) for v in row]


def extract_csv(organisation: Organisation, on: date | None = None) -> Iterator[str]:
    """CSV text in pieces, for a streaming download (UTF-8 with BOM, so Excel reads accents);
    dates as 1990-05-17, which the import and every spreadsheet read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in extract_rows(organisation, on):
        writer.writerow(_text(row))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def extract_xlsx(organisation: Organisation, on: date | None = None, *, wrap=None) -> bytes:
    """The extract as a workbook: typed cells (numbers, dates shown as 17/05/1990), the heading
    row bold and frozen, with filters on every column."""
    # why: openpyxl is heavy: loaded for an XLSX only
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.freeze_panes = "A2"
    rows = extract_rows(organisation, on)
    heading = next(rows)
    width = len(heading)
    sheet.auto_filter.ref = f"A1:{get_column_letter(width)}1"
    for i, label in enumerate(heading, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, len(label) + 4)
    bold = Font(bold=True)
    cells = []
    for label in heading:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in wrap(rows) if wrap else rows:
        out = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = NUMBER_FORMAT["date"]
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def extract_bytes(organisation: Organisation, fmt: str, *, wrap=None) -> bytes:
    """The whole extract as one file's bytes (for the worker's export job); `wrap(rows)` may
    pass the rows through, e.g. to count them."""
    if fmt == "xlsx":
        return extract_xlsx(organisation, wrap=wrap)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    rows = extract_rows(organisation)
    for row in wrap(rows) if wrap else rows:
        writer.writerow(_text(row))
    return buffer.getvalue().encode("utf-8")


def counts(organisation: Organisation, on: date | None = None) -> list[dict]:
    """Current members by constituency and class, in rulebook order, with names."""
    constitution = organisation.constitution
    found = {
        (r["constituency_id"], r["class_id"]): r["n"]
        for r in active_members(organisation, on)
        .values("constituency_id", "class_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    table = []
    for constituency in constitution.constituencies:
        parts = [(k.id, k.name) for k in constituency.classes] or [("", "")]
        for class_id, class_name in parts:
            table.append(
                {
                    "constituency_id": constituency.id,
                    "constituency": constituency.name,
                    "class_id": class_id,
                    "class": class_name,
                    "members": found.pop((constituency.id, class_id), 0),
                }
            )
    for (constituency_id, class_id), n in sorted(found.items()):  # no longer in the rulebook
        table.append(
            {
                "constituency_id": constituency_id,
                "constituency": f"{constituency_id} (not in the current rulebook)",
                "class_id": class_id,
                "class": class_id,
                "members": n,
            }
        )
    return table
