"""Voting codes for a print house: one CSV row per voter (name, address, plain code) for a mail
merge. Only the returning officer may write it (the codes are the ballots' keys), and it is
audited. A plain code exists only at the moment it is issued, so the file holds the codes issued
now: every voter without a live code, or with `replace_all` a fresh code for every voter who has
not voted (their old codes are void).

Spreadsheet programs run a cell that starts with =, +, - or @ as a formula: such cells (and those
starting with a tab or carriage return) get a leading apostrophe, so a member who gives their
name as =HYPERLINK(...) cannot reach the print house's computer.
"""

from __future__ import annotations

import csv
import io

from django.db import transaction

from mutualise.audit import services as audit
from mutualise.register.models import Member

from . import rules, services
from .models import Credential, Election

HEADING = ["Membership number", "Name", "Address", "Postcode", "Voting code"]
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(DANGEROUS_FIRST) else text


def issue_for_print(
    election: Election, *, actor, replace_all: bool = False
) -> list[services.IssuedCode]:
    """Issue the codes for a mail merge (see the module's docstring); returns them once."""
    if not isinstance(actor, str) and not rules.is_returning_officer(actor, election):
        raise services.NotPermitted(rules.REFUSALS["returning_officer"])
    with transaction.atomic():
        entries = None
        if replace_all:
            entries = list(
                election.roll.filter(removed=False, vote_record__isnull=True).order_by(
                    "member_number"
                )
            )
        issued = services.issue_credentials(
            election, channel=Credential.Channel.POST, entries=entries, actor=actor
        )
        audit.record(
            election.organisation,
            "election.codes_written_for_print",
            actor=actor,
            subject=election,
            data={"rows": len(issued), "replace_all": replace_all},
        )
    return issued


def codes_csv(issued: list[services.IssuedCode]) -> str:
    """The mail-merge file: a heading, then one row per code issued, in membership number order."""
    ids = [item.roll_entry.member_id for item in issued]
    members = Member.objects.in_bulk(ids)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADING)
    for item in sorted(issued, key=lambda i: i.roll_entry.member_number):
        member = members[item.roll_entry.member_id]
        row = [member.number, member.display_name, member.address, member.postcode, item.code]
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()
