"""The register of members with their shares (CCBSA 2014 s.30), as CSV or XLSX.

Every member who has been on the register, with the date entered and the date ceased; the
duplicate register for inspection omits the holdings (s.30(2)(c), (d)). Cells are neutralised
against formula injection, as in the register's own extracts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from mutualise.register.exports import neutralise
from mutualise.register.models import Member

from .models import ShareAccount
from .services.errors import shares_rules

NAMES = ["Membership number", "Name", "Address", "Postcode", "Email"]
HOLDINGS = ["Shares held", "Amount paid (GBP)", "Other property in the society"]
DATES = ["Date entered", "Date ceased"]


def _pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def register_rows(organisation, *, duplicate: bool = False) -> Iterator[list[str]]:
    shares = shares_rules(organisation)
    yield NAMES + ([] if duplicate else HOLDINGS) + DATES
    balances = dict(
        ShareAccount.objects.filter(organisation=organisation).values_list(
            "member_id", "balance_pence"
        )
    )
    rows = (
        Member.objects.filter(organisation=organisation, admitted_on__isnull=False)
        .order_by("number")
        .values_list(
            "pk",
            "number",
            "display_name",
            "address",
            "postcode",
            "email",
            "admitted_on",
            "ceased_on",
        )
    )
    for pk, number, name, address, postcode, email, entered, ceased in rows.iterator(5000):
        row = [number, name, address, postcode, email]
        if not duplicate:
            held = balances.get(pk, 0)
            # Shares are whole; pence beyond them (credited interest, instalments) are paid on
            # account and shown in the amount.
            row += [held // shares.nominal_value_pence, _pounds(held), ""]
        row += [entered, ceased]
        yield [neutralise(v) for v in row]


def register_csv(organisation, *, duplicate: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in register_rows(organisation, duplicate=duplicate):
        writer.writerow(row)
    return "\ufeff" + out.getvalue()


def register_xlsx(organisation, *, duplicate: bool = False) -> bytes:
    # why: openpyxl is heavy: loaded for an XLSX only
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Duplicate register" if duplicate else "Share register")
    for row in register_rows(organisation, duplicate=duplicate):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
