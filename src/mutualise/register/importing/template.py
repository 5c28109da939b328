"""The import page's column guide and template file, made from the organisation's rulebook: a
column appears when the rulebook's eligibility turns on it (date of birth for a minimum age,
the staff questions for a staff constituency, ...), with the values it accepts by name."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .fields import FIELDS


@dataclass(frozen=True)
class Column:
    field: str
    heading: str  # the template's heading: one the import recognises
    required: bool
    accepts: str


def columns(constitution) -> list[Column]:
    """The template's columns for this rulebook, in the order a person fills them in."""
    constituencies = constitution.constituencies
    needs_age = any(c.eligibility.minimum_age is not None for c in constituencies)
    area = any(c.eligibility.area is not None for c in constituencies)
    staff = any(c.eligibility.staff is not None for c in constituencies)
    service = [c.eligibility.service_use for c in constituencies if c.eligibility.service_use]
    classes = [(c, k) for c in constituencies for k in c.classes]
    attestations = [a for c in constituencies for a in c.eligibility.attestations]
    attestations += [a for _, k in classes for a in k.attestations]
    ages = sorted({c.eligibility.minimum_age for c in constituencies
                   if c.eligibility.minimum_age is not None})  # fmt: skip
    found = [
        Column(
            "external_ref",
            "Reference",
            False,
            "Your own id for the person (payroll or old membership number); importing the "
            "same file again adds nobody twice",
        ),
        Column("display_name", "Name", True, "Their full name"),
        Column(
            "date_of_birth",
            "Date of birth",
            needs_age,
            "A date such as 27/03/1985 or 1985-03-27"
            + (f"; members must be at least {' or '.join(map(str, ages))}" if ages else ""),
        ),
        Column("address", "Address", False, "Address lines, without the postcode"),
        Column(
            "postcode",
            "Postcode",
            area,
            "A UK postcode such as NE1 4ST"
            + ("; it decides who lives in the area" if area else ""),
        ),
        Column("email", "Email", False, "An email address"),
        Column("phone", "Phone", False, "A phone number"),
        Column(
            "contact_channel", "Contact by", False, "post, email, phone or text (post if empty)"
        ),
        Column("large_print", "Large print", False, "yes or no"),
        Column("easy_read", "Easy read", False, "yes or no"),
        Column("language", "Language", False, "A language other than English, if they need one"),
    ]
    if len(constituencies) > 1:
        found.append(
            Column(
                "constituency_id",
                "Constituency",
                False,
                "One of: "
                + "; ".join(c.name for c in constituencies)
                + " (empty: worked out from the other columns)",
            )
        )
    if classes:
        # Needed only where every constituency has classes: a member of one without (the
        # public, beside a staff constituency's classes) leaves it empty.
        classless = [c.name for c in constituencies if not c.classes]
        found.append(
            Column(
                "class_id",
                "Class",
                not classless,
                "One of: "
                + "; ".join(f"{k.name} ({c.name})" for c, k in classes)
                + (f" (empty for {'; '.join(classless)})" if classless else ""),
            )
        )
    if staff:
        found += [
            Column("is_staff", "Staff", False, "yes if they work for the organisation"),
            Column(
                "contract_fixed_term",
                "Fixed-term contract",
                False,
                "yes for a fixed-term contract, no for a permanent one",
            ),
            Column(
                "contract_months",
                "Contract length (months)",
                False,
                "The length of a fixed-term contract, in whole months",
            ),
            Column("employment_start", "Employment start", False, "The date they started work"),
        ]
    for rule in service:
        found.append(
            Column(
                "last_service_use",
                "Last service use",
                False,
                f"The date they last {rule.description}",
            )
        )
        break
    if attestations:
        found.append(
            Column(
                "attestations",
                "Confirmations",
                False,
                "What the member confirmed, in these words (several separated by semicolons): "
                + "; ".join(dict.fromkeys(f"“{a.text}”" for a in attestations))
                + (
                    "; or “yes”, if they confirmed it"
                    if len({a.id for a in attestations}) == 1
                    else ""
                ),
            )
        )
    shares = constitution.shares
    if shares is not None:  # the preview warns when members would join holding too few
        least = shares.minimum_holding_pence // shares.nominal_value_pence
        found.append(
            Column(
                "opening_shares",
                "Shares",
                False,
                f"The number of {_money(shares.nominal_value_pence)} shares they hold"
                + (f"; at least {least}" if least else ""),
            )
        )
    found.append(
        Column(
            "admitted_on",
            "Joined",
            False,
            "The date they became a member (empty: the day of the import)",
        )
    )
    return found


def _money(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" + (f".{rest:02d}" if rest else "")


def guide(constitution) -> list[dict]:
    """The column guide as rows for the page: heading, required, what it accepts, and the other
    headings the import also recognises."""
    return [
        {
            "heading": column.heading,
            "required": column.required,
            "accepts": column.accepts,
            "label": FIELDS[column.field][0],
        }
        for column in columns(constitution)
    ]


def template_csv(constitution) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([c.heading for c in columns(constitution)])
    return "\ufeff" + out.getvalue()


def template_xlsx(constitution) -> bytes:
    """The headings in bold, frozen, with filters, each column as wide as its heading."""
    # why: openpyxl is heavy: loaded for an XLSX only
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Members"
    found = columns(constitution)
    sheet.append([c.heading for c in found])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(found, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, len(column.heading) + 4)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(found))}1"
    guide_sheet = book.create_sheet("Column guide")
    guide_sheet.append(["Column", "Required", "What it accepts"])
    for column in found:
        guide_sheet.append([column.heading, "yes" if column.required else "no", column.accepts])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
