"""The columns an import file may carry, their limits, and what a check reports."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..cells import neutralise  # the officer opens it in a spreadsheet: no formulas
from .reasons import kind_words

# target field -> (label, headings it is recognised by, after keys.name_key folding)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "external_ref": (
        "External reference",
        (
            "externalref",
            "ref",
            "reference",
            "memberid",
            "id",
            "employeenumber",
            "staffnumber",
            "oldnumber",
            "membershipnumber",
            "payrollnumber",
        ),
    ),
    "display_name": ("Name", ("name", "fullname", "displayname", "membername")),
    "given_name": ("First name", ("firstname", "givenname", "forename", "forenames")),
    "family_name": ("Last name", ("lastname", "surname", "familyname")),
    "date_of_birth": ("Date of birth", ("dateofbirth", "dob", "birthdate", "born")),
    "address": ("Address", ("address", "addresslines", "street")),
    "postcode": ("Postcode", ("postcode", "postalcode", "zip")),
    "local_authority_code": (
        "Local authority code",
        ("localauthoritycode", "ladcode", "lacode", "localauthority"),
    ),
    "email": ("Email", ("email", "emailaddress")),
    "phone": ("Phone", ("phone", "telephone", "mobile", "phonenumber", "tel")),
    "contact_channel": (
        "Contact by",
        ("contactby", "contactchannel", "preferredcontact", "channel"),
    ),
    "large_print": ("Large print", ("largeprint",)),
    "easy_read": ("Easy read", ("easyread",)),
    "language": ("Language", ("language", "preferredlanguage")),
    "sex": ("Sex", ("sex", "gender")),
    "ethnicity": ("Ethnicity", ("ethnicity", "ethnicgroup")),
    "constituency_id": ("Constituency", ("constituency",)),
    "class_id": ("Class", ("class", "staffclass", "constituencyclass", "staffgroup")),
    "is_staff": ("Staff", ("staff", "isstaff", "employee")),
    "contract_fixed_term": (
        "Fixed-term contract",
        ("fixedterm", "fixedtermcontract", "contractfixedterm"),
    ),
    "contract_months": (
        "Contract length (months)",
        ("contractmonths", "contractlength", "contractlengthmonths"),
    ),
    "employment_start": ("Employment start", ("employmentstart", "startdate", "started")),
    "employment_end": ("Employment end", ("employmentend", "enddate", "leavingdate", "left")),
    "last_service_use": ("Last service use", ("lastserviceuse", "lastattended", "lastappointment")),
    "attestations": ("Confirmations", ("attestations", "confirmations")),
    "opening_shares": (
        "Shares",
        ("shares", "sharesheld", "shareholding", "numberofshares", "openingshares"),
    ),
    "admitted_on": (
        "Joined",
        ("joined", "joinedon", "datejoined", "admittedon", "admitted", "membersince"),
    ),
}
# Tuples, not sets: a row's problems are reported in this order, the same on every run.
DATE_FIELDS = (
    "date_of_birth",
    "employment_start",
    "employment_end",
    "last_service_use",
    "admitted_on",
)
YES_NO_FIELDS = ("large_print", "easy_read", "is_staff", "contract_fixed_term")
MAX_LENGTH = {
    "display_name": 200,
    "address": 2000,
    "phone": 40,
    "language": 60,
    "sex": 40,
    "ethnicity": 80,
    "external_ref": 100,
    "email": 254,
    "local_authority_code": 9,
}
CHANNELS = {
    "post": "post",
    "letter": "post",
    "postal": "post",
    "email": "email",
    "e-mail": "email",
    "phone": "phone",
    "telephone": "phone",
    "text": "text",
    "sms": "text",
    "": "post",
}
YES = {"y", "yes", "true", "1", "x"}
NO = {"n", "no", "false", "0", ""}
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}|GIR 0AA)$")
_DATE_SPLIT = re.compile(r"[/.\- ]")
EARLIEST_BIRTH = date(1900, 1, 1)
PREVIEW_ROWS = 10
DATE_MEMO = 200_000  # distinct date texts remembered while checking a file
POSTCODE_MEMO = 100_000  # and postcodes

# The order of the cleaned values each good row carries to the writer.
COLUMNS = (
    "external_ref", "display_name", "date_of_birth", "address", "postcode",
    "local_authority_code", "email", "phone", "contact_channel", "large_print", "easy_read",
    "language", "sex", "ethnicity", "is_staff", "contract_fixed_term", "contract_months",
    "employment_start", "employment_end", "last_service_use", "attestations",
    "constituency_id", "class_id", "admitted_on", "name_key", "surname_key", "postcode_key",
)  # fmt: skip


@dataclass(frozen=True)
class RowProblem:
    row: int  # the line in the file (the heading is line 1)
    column: str  # the file's column heading, or "" for the whole row
    reason: str
    kind: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class CheckResult:
    file_name: str
    encoding: str
    header: list[str]
    mapping: dict[str, str]
    ignored_columns: list[str]
    rows_total: int = 0
    rows_ready: int = 0
    rows_already_present: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rejected_rows: list[tuple[int, list]] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    by_constituency: Counter = field(default_factory=Counter)
    # Good rows' opening holdings from a "Shares" column: external reference -> pence.
    opening_shares: dict = field(default_factory=dict)
    # Good rows that would join holding no shares though the rulebook's least holding is more
    # than nothing (shares.minimum_holding_pence): a warning, not a problem (the rulebook says
    # nothing of when the shares must be bought), naming the first rows.
    minimum_holding_pence: int = 0
    rows_without_shares: int = 0
    lines_without_shares: list[int] = field(default_factory=list)
    shares_column: bool = False

    def share_warning(self) -> str:
        """The rows holding no shares below the rulebook's least, in words ('' if none)."""
        n = self.rows_without_shares
        if not n:
            return ""
        pence = self.minimum_holding_pence
        least = f"£{pence // 100}" + (f".{pence % 100:02d}" if pence % 100 else "")
        rows = ", ".join(str(line) for line in self.lines_without_shares)
        more = (
            f" and {n - len(self.lines_without_shares):,} more"
            if n > len(self.lines_without_shares)
            else ""
        )
        where = (
            f"row{'s' if n > 1 else ''} {rows}{more}"
            if self.shares_column
            else "every row: the file has no Shares column"
        )
        return (
            f"{n:,} {'member' if n == 1 else 'members'} would join holding no shares, though the "
            f"rulebook says a member holds at least {least}: "
            f"{where}. Add their shares to the file, or record them after the import."
        )

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected_rows)

    def problem_counts(self) -> Counter:
        return Counter(p.kind for p in self.problems)

    def problem_summary(self) -> str:
        """The problems in words: '3 rows with a date that does not exist, 1 with no name'."""
        rows: dict[str, set[int]] = {}
        for problem in self.problems:
            rows.setdefault(problem.kind, set()).add(problem.row)
        parts = sorted(rows.items(), key=lambda item: (-len(item[1]), item[0]))
        said = [
            f"{len(lines)} {'row' if len(lines) == 1 else 'rows'} with {kind_words(kind)}"
            if i == 0
            else f"{len(lines)} with {kind_words(kind)}"
            for i, (kind, lines) in enumerate(parts)
        ]
        return ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1] if said else ""

    def columns_read(self) -> list[tuple[str, str]]:
        """(the file's column, the register field it is read as, by its name)."""
        return [(column, FIELDS[target][0]) for target, column in self.mapping.items()]

    def rejected_csv(self) -> str:
        """The rejected rows as they were, plus a 'Problems' column: fix and import again."""
        out = io.StringIO()

        writer = csv.writer(out)
        writer.writerow([neutralise(h) for h in [*self.header, "Problems"]])
        reasons: dict[int, list[str]] = {}
        for problem in self.problems:
            label = f"{problem.column}: " if problem.column else ""
            reasons.setdefault(problem.row, []).append(label + problem.reason)
        for line, cells in self.rejected_rows:
            padded = [str(c) for c in cells] + [""] * (len(self.header) - len(cells))
            cells = [*padded[: len(self.header)], "; ".join(reasons.get(line, []))]
            writer.writerow([neutralise(c) for c in cells])
        return out.getvalue()

    def report_lines(self) -> list[str]:
        return [str(p) for p in self.problems]
