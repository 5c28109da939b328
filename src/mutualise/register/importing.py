"""Bulk import of members from CSV or XLSX: map columns, check every row, report every problem.

`check_file` reads and checks a file without writing anything: the preview and the row report
(row, column, reason) an officer sees before accepting. `services.accept_import` runs the same
checks again against the register as it is then, and writes the good rows (`bulkwrite`).

Re-importing a file is idempotent: each row has an external reference (the file's own id
column, or one derived from the person's name, date of birth, postcode and email), and rows
whose reference is already on the register are counted as already present, not added again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from mutualise.constitution.eligibility import age_on, assess, constituency_for
from mutualise.constitution.postcodes import normalise_postcode

from . import keys
from .eligibility import facts_for
from .tabular import Table, TableError, read_table

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
    "admitted_on": (
        "Joined",
        ("joined", "joinedon", "datejoined", "admittedon", "admitted", "membersince"),
    ),
}
DATE_FIELDS = {
    "date_of_birth",
    "employment_start",
    "employment_end",
    "last_service_use",
    "admitted_on",
}
YES_NO_FIELDS = {"large_print", "easy_read", "is_staff", "contract_fixed_term"}
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
PROGRESS_EVERY = 5000

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

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected_rows)

    def problem_counts(self) -> Counter:
        return Counter(p.kind for p in self.problems)

    def rejected_csv(self) -> str:
        """The rejected rows as they were, plus a 'Problems' column: fix and import again."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([*self.header, "Problems"])
        reasons: dict[int, list[str]] = {}
        for problem in self.problems:
            label = f"{problem.column}: " if problem.column else ""
            reasons.setdefault(problem.row, []).append(label + problem.reason)
        for line, cells in self.rejected_rows:
            padded = [str(c) for c in cells] + [""] * (len(self.header) - len(cells))
            writer.writerow([*padded[: len(self.header)], "; ".join(reasons.get(line, []))])
        return out.getvalue()

    def report_lines(self) -> list[str]:
        return [str(p) for p in self.problems]


def auto_mapping(header: list[str]) -> dict[str, str]:
    """Target field -> the file's column, from the headings alone."""
    mapping = {}
    folded = {keys.name_key(h): h for h in header if h}
    for target, (label, synonyms) in FIELDS.items():
        for synonym in (keys.name_key(label), *synonyms):
            if synonym in folded and folded[synonym] not in mapping.values():
                mapping[target] = folded[synonym]
                break
    return mapping


def parse_mapping(text: str) -> dict[str, str]:
    """'email=E-mail address,display_name=Full name' (the CLI's --mapping) -> dict."""
    mapping = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        target, sep, column = part.partition("=")
        if not sep:
            raise TableError(f"mapping '{part}' should be field=Column heading")
        mapping[target.strip()] = column.strip()
    return mapping


def resolve_mapping(header: list[str], overrides: dict[str, str] | None) -> dict[str, str]:
    mapping = auto_mapping(header)
    for target, column in (overrides or {}).items():
        if target not in FIELDS:
            raise TableError(
                f"unknown field '{target}' in the mapping; fields are {', '.join(FIELDS)}"
            )
        if column == "":
            mapping.pop(target, None)
            continue
        if column not in header:
            raise TableError(
                f"the mapping names column '{column}' for {target}, but the file's "
                f"columns are: {', '.join(header)}"
            )
        mapping = {t: c for t, c in mapping.items() if c != column}
        mapping[target] = column
    if "display_name" not in mapping and not ("given_name" in mapping and "family_name" in mapping):
        raise TableError(
            "no name column: map one column to display_name, or both given_name "
            f"and family_name (the file's columns are: {', '.join(header)})"
        )
    return mapping


def parse_date(value) -> date | None:
    """ISO (2001-02-28) or British (28/02/2001, 28.2.2001) dates; ValueError says why not."""
    if isinstance(value, date):
        return value
    value = value.strip()
    if not value:
        return None
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        year, month, day = value[:4], value[5:7], value[8:]
    else:
        parts = _DATE_SPLIT.split(value)
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise ValueError(f"'{value}' is not a date; write it as 28/02/2001 or 2001-02-28")
        day, month, year = parts
        if len(year) != 4:
            raise ValueError(f"'{value}' has a two-digit year; write the year in full")
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        raise ValueError(f"'{value}' is not a date; write it as 28/02/2001 or 2001-02-28")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"'{value}' is not a real date (no such day)") from None


class _Eligibility:
    """Eligibility for many rows at once, through the rulebook library's `assess`.

    The answer depends on an applicant's age, postcode district and sector, local authority and
    staff and service facts, so it is memoised on those: a register of a million people living
    in a few hundred sectors asks the rulebook a few thousand questions, not a million."""

    def __init__(self, constitution, on: date):
        self.constitution, self.on = constitution, on
        self.assessments: dict = {}
        self.qualifying: dict = {}

    def _key(self, facts) -> tuple:
        age = age_on(facts.date_of_birth, self.on) if facts.date_of_birth else None
        postcode = facts.postcode or ""
        outward, _, inward = postcode.partition(" ")
        return (
            age,
            outward,
            f"{outward} {inward[:1]}",
            facts.local_authority_code,
            facts.is_staff,
            facts.contract_fixed_term,
            facts.contract_months,
            facts.employment_start,
            facts.last_service_use,
            facts.attestations,
        )

    def reasons(self, target: str, facts) -> list[str]:
        key = (target, self._key(facts))
        if key not in self.assessments:
            self.assessments[key] = assess(self.constitution, target, facts, self.on).reasons
        return self.assessments[key]

    def constituencies(self, facts) -> list[str]:
        key = self._key(facts)
        if key not in self.qualifying:
            self.qualifying[key] = constituency_for(self.constitution, facts, self.on)
        return self.qualifying[key]


@dataclass
class RegisterKeys:
    """What the register already holds, to spot duplicates and rows imported before."""

    refs: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    people: set[tuple] = field(default_factory=set)

    @classmethod
    def load(cls, organisation) -> RegisterKeys:
        from .models import Member

        found = cls()
        rows = (
            Member.objects.filter(organisation=organisation, erased_at__isnull=True)
            .exclude(status__in=[Member.Status.MERGED, Member.Status.DECLINED])
            .values_list("external_ref", "email", "name_key", "date_of_birth", "postcode_key")
        )
        for ref, email, name, born, postcode in rows.iterator(chunk_size=20000):
            if ref:
                found.refs.add(ref)
            if email:
                found.emails.add(email)
            if name and born and postcode:
                found.people.add((name, born, postcode))
        return found


def derived_ref(name_key: str, born, postcode_key: str, email: str) -> str:
    digest = hashlib.sha1(f"{name_key}|{born}|{postcode_key}|{email}".encode()).hexdigest()
    return f"auto:{digest[:24]}"


def check_rows(
    table: Table,
    mapping: dict[str, str],
    constitution,
    register: RegisterKeys,
    on: date,
    *,
    on_ready: Callable[[tuple], None] | None = None,
    keep_preview: bool = True,
    progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Check every row; each good row's values (in COLUMNS order) go to `on_ready`.
    `progress(rows_checked)` is called every PROGRESS_EVERY rows and once at the end."""
    header = table.header
    result = CheckResult(
        file_name=table.file_name,
        encoding=table.encoding,
        header=header,
        mapping=mapping,
        ignored_columns=[h for h in header if h and h not in mapping.values()],
    )
    position = {target: header.index(column) for target, column in mapping.items()}
    width = len(header)
    constituencies = {c.id: c for c in constitution.constituencies}
    by_name = {keys.name_key(c.name): c.id for c in constitution.constituencies}
    by_name.update({keys.name_key(c.id): c.id for c in constitution.constituencies})
    classes = {k.id: (c, k) for c in constitution.constituencies for k in c.classes}
    class_by_name = {keys.name_key(k.name): k.id for _, k in classes.values()}
    class_by_name.update({keys.name_key(k): k for k in classes})
    rules = _Eligibility(constitution, on)
    seen_refs: set[str] = set()
    seen_emails: dict[str, int] = {}
    seen_people: dict[tuple, int] = {}
    problems = result.problems

    for line, cells in table.rows:
        if not any(c != "" and (not isinstance(c, str) or c.strip()) for c in cells):
            continue  # blank lines are not rows
        result.rows_total += 1
        if progress is not None and not result.rows_total % PROGRESS_EVERY:
            progress(result.rows_total)
        row_problems: list[RowProblem] = []

        def bad(target: str, reason: str, kind: str, line=line, found=row_problems) -> None:
            found.append(RowProblem(line, mapping.get(target, ""), reason, kind))

        if len(cells) > width and any(str(c).strip() for c in cells[width:]):
            bad(
                "",
                f"the row has {len(cells)} cells but there are only {width} column "
                "headings (a stray comma or delimiter?)",
                "extra_cells",
            )
        values: dict = {}
        for target, index in position.items():
            raw = cells[index] if index < len(cells) else ""
            values[target] = raw.strip() if isinstance(raw, str) else raw

        get = values.get
        if "display_name" not in values:
            values["display_name"] = " ".join(
                filter(None, (get("given_name", ""), get("family_name", "")))
            )
        name = values["display_name"]
        if not name:
            bad(
                "display_name" if "display_name" in mapping else "family_name",
                "the name is missing",
                "missing_name",
            )
        for target, limit in MAX_LENGTH.items():
            text = get(target)
            if isinstance(text, str) and len(text) > limit:
                bad(target, f"is {len(text)} characters long; at most {limit} fit", "too_long")
        for target in DATE_FIELDS & values.keys():
            try:
                values[target] = parse_date(values[target])
            except ValueError as exc:
                values[target] = None
                text = str(exc)
                kind = (
                    "ambiguous_date"
                    if "two-digit" in text
                    else "impossible_date"
                    if "real date" in text
                    else "unreadable_date"
                )
                bad(target, text, kind)
        born = get("date_of_birth")
        if born is not None:
            if born > on:
                bad("date_of_birth", f"{born:%d/%m/%Y} is in the future", "future_date")
                values["date_of_birth"] = born = None
            elif born < EARLIEST_BIRTH:
                bad(
                    "date_of_birth",
                    f"{born:%d/%m/%Y} is before 1900: a typing error?",
                    "implausible_date",
                )
                values["date_of_birth"] = born = None
        joined = get("admitted_on")
        if joined is not None and joined > on:
            bad(
                "admitted_on", f"the joining date {joined:%d/%m/%Y} is in the future", "future_date"
            )
        for target in YES_NO_FIELDS & values.keys():
            text = str(values[target]).strip().lower()
            if text in YES:
                values[target] = True
            elif text in NO:
                values[target] = None if target == "contract_fixed_term" and not text else False
            else:
                bad(target, f"'{values[target]}' should be yes or no", "bad_yes_no")
                values[target] = None
        months = get("contract_months")
        if months:
            if str(months).isdigit() and int(months) < 1000:
                values["contract_months"] = int(months)
            else:
                bad("contract_months", f"'{months}' is not a number of months", "bad_number")
                values["contract_months"] = None
        else:
            values["contract_months"] = None
        postcode = get("postcode") or ""
        if postcode:
            postcode = normalise_postcode(postcode)
            if not _POSTCODE.match(postcode):
                bad(
                    "postcode", f"'{values['postcode']}' is not a valid UK postcode", "bad_postcode"
                )
                postcode = ""
        email = (get("email") or "").lower()
        if email and not _EMAIL.match(email):
            bad("email", f"'{values['email']}' is not an email address", "bad_email")
            email = ""
        phone = get("phone") or ""
        if phone and not _PHONE.match(phone):
            bad("phone", f"'{phone}' is not a phone number", "bad_phone")
        channel = CHANNELS.get(str(get("contact_channel") or "").lower())
        if channel is None:
            bad(
                "contact_channel",
                f"'{values['contact_channel']}' is not one of post, email, phone or text",
                "bad_channel",
            )
            channel = "post"
        elif channel == "email" and not email:
            bad("contact_channel", "contact by email needs an email address", "bad_channel")

        # Constituency and class, as the file names them or as the rulebook finds them.
        constituency_id = ""
        class_id = ""
        wanted = get("constituency_id") or ""
        if wanted:
            constituency_id = by_name.get(keys.name_key(wanted), "")
            if not constituency_id:
                bad(
                    "constituency_id",
                    f"there is no constituency '{wanted}'; they are {', '.join(constituencies)}",
                    "unknown_constituency",
                )
        wanted_class = get("class_id") or ""
        if wanted_class:
            class_id = class_by_name.get(keys.name_key(wanted_class), "")
            if not class_id:
                bad(
                    "class_id",
                    f"there is no class '{wanted_class}'; classes are "
                    f"{', '.join(classes) or 'none'}",
                    "unknown_class",
                )
            elif not constituency_id:
                constituency_id = classes[class_id][0].id
            elif classes[class_id][0].id != constituency_id:
                bad(
                    "class_id",
                    f"class '{class_id}' is not part of '{constituency_id}'",
                    "unknown_class",
                )
        attestations = frozenset(
            a.strip() for a in re.split(r"[;|]", str(get("attestations") or "")) if a.strip()
        )
        details = {
            "date_of_birth": born,
            "postcode": postcode,
            "local_authority_code": str(get("local_authority_code") or "").upper(),
            "is_staff": get("is_staff"),
            "contract_fixed_term": get("contract_fixed_term"),
            "contract_months": values["contract_months"],
            "employment_start": get("employment_start"),
            "employment_end": get("employment_end"),
            "last_service_use": get("last_service_use"),
            "attestations": attestations,
        }
        if born is None and not row_problems:
            needing = (
                [constituencies[constituency_id]]
                if constituency_id
                else list(constituencies.values())
            )
            ages = [c.eligibility.minimum_age for c in needing]
            if all(age is not None for age in ages):
                bad(
                    "date_of_birth",
                    "the date of birth is missing and the rulebook has a "
                    f"minimum age of {min(ages)}",
                    "missing_date_of_birth",
                )
        if not row_problems:
            facts = facts_for(details, on)
            if not constituency_id:
                found = rules.constituencies(facts)
                if found:
                    constituency_id = found[0]
                else:
                    bad(
                        "postcode" if "postcode" in mapping else "constituency_id",
                        "qualifies for no constituency: "
                        + " ".join(rules.reasons(c, facts)[0] for c in constituencies),
                        "not_eligible",
                    )
            constituency = constituencies.get(constituency_id)
            if constituency is not None:
                if constituency.classes and not class_id:
                    bad(
                        "class_id",
                        f"the {constituency.name} constituency needs a class: "
                        f"{', '.join(k.id for k in constituency.classes)}",
                        "class_required",
                    )
                elif constituency.eligibility.minimum_age is not None and born is None:
                    bad(
                        "date_of_birth",
                        "the date of birth is missing and the rulebook has a "
                        f"minimum age of {constituency.eligibility.minimum_age}",
                        "missing_date_of_birth",
                    )
                else:
                    reasons = rules.reasons(class_id or constituency_id, facts)
                    if reasons:
                        others = [c for c in rules.constituencies(facts) if c != constituency_id]
                        hint = f" They qualify for {', '.join(others)}." if others else ""
                        bad(
                            "constituency_id" if wanted else "postcode",
                            " ".join(reasons) + hint,
                            "wrong_constituency" if others else "not_eligible",
                        )

        # Duplicates: against earlier rows of the file, then against the register.
        key_name = keys.name_key(name)
        key_postcode = keys.postcode_key(postcode)
        ref = str(get("external_ref") or "") or derived_ref(key_name, born, key_postcode, email)
        person = (key_name, born, key_postcode) if key_name and born and key_postcode else None
        if ref in seen_refs:
            bad(
                "external_ref",
                f"reference '{ref}' appears earlier in the file",
                "duplicate_ref_in_file",
            )
        elif ref in register.refs:
            if not row_problems:
                result.rows_already_present += 1
                seen_refs.add(ref)
                continue
        else:
            if email and email in seen_emails:
                bad("email", f"the same email is on row {seen_emails[email]}", "duplicate_in_file")
            elif person and person in seen_people:
                bad(
                    "display_name",
                    f"the same name, date of birth and postcode are on row {seen_people[person]}",
                    "duplicate_in_file",
                )
            elif (email and email in register.emails) or (person and person in register.people):
                bad(
                    "email" if email in register.emails else "display_name",
                    "this person is already on the register (same "
                    + ("email" if email in register.emails else "name, date of birth and postcode")
                    + ")",
                    "duplicate_in_register",
                )
        seen_refs.add(ref)
        if email:
            seen_emails.setdefault(email, line)
        if person:
            seen_people.setdefault(person, line)

        if row_problems:
            problems.extend(row_problems)
            result.rejected_rows.append((line, cells))
            continue
        result.rows_ready += 1
        result.by_constituency[constituency_id] += 1
        row = (
            ref,
            name,
            born,
            get("address") or "",
            postcode,
            details["local_authority_code"],
            email,
            phone,
            channel,
            bool(get("large_print")),
            bool(get("easy_read")),
            get("language") or "",
            get("sex") or "",
            get("ethnicity") or "",
            bool(get("is_staff")),
            get("contract_fixed_term"),
            values["contract_months"],
            get("employment_start"),
            get("employment_end"),
            get("last_service_use"),
            sorted(attestations),
            constituency_id,
            class_id,
            joined or on,
            key_name,
            keys.surname_key(name),
            key_postcode,
        )
        if keep_preview and len(result.preview) < PREVIEW_ROWS:
            result.preview.append(dict(zip(COLUMNS, row, strict=True)))
        if on_ready is not None:
            on_ready(row)
    if progress is not None:
        progress(result.rows_total)
    return result


def check_file(
    organisation,
    data: bytes,
    file_name: str,
    mapping: dict[str, str] | None = None,
    on: date | None = None,
) -> CheckResult:
    """Read and check a file against the organisation's rulebook and register. Writes nothing."""
    from .services import today

    table = read_table(data, file_name)
    resolved = resolve_mapping(table.header, mapping)
    return check_rows(
        table, resolved, organisation.constitution, RegisterKeys.load(organisation), on or today()
    )


def iter_chunks(items: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
