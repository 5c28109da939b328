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

from .models import Member, Organisation

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = [
    ("number", "Membership number"),
    ("display_name", "Name"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("contact_channel", "Contact by"),
    ("large_print", "Large print"),
    ("easy_read", "Easy read"),
    ("language", "Language"),
    ("constituency_id", "Constituency"),
    ("class_id", "Class"),
    ("admitted_on", "Member since"),
]


def neutralise(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(DANGEROUS_FIRST):
        return "'" + text
    return text


def extract_rows(organisation: Organisation, on: date | None = None) -> Iterator[list[str]]:
    """The heading, then one row per current member, in number order, every cell neutralised."""
    from .services import active_members

    yield [label for _, label in COLUMNS]
    names = [name for name, _ in COLUMNS]
    rows = active_members(organisation, on).order_by("number").values_list(*names)
    for row in rows.iterator(chunk_size=5000):
        yield [neutralise(v) for v in row]


def extract_csv(organisation: Organisation, on: date | None = None) -> Iterator[str]:
    """CSV text in pieces, for a streaming download (UTF-8 with BOM, so Excel reads accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in extract_rows(organisation, on):
        writer.writerow(row)
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def extract_xlsx(organisation: Organisation, on: date | None = None, *, wrap=None) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    rows = extract_rows(organisation, on)
    for row in wrap(rows) if wrap else rows:
        sheet.append(row)
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
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def counts(organisation: Organisation, on: date | None = None) -> list[dict]:
    """Current members by constituency and class, in rulebook order, with names."""
    from .services import active_members

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


def member_count(organisation: Organisation) -> int:
    return Member.objects.filter(organisation=organisation).count()
