"""The row checker: every row of a file against the rulebook and the register."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from datetime import date
from operator import itemgetter

from mutualise.constitution.money import WITHDRAWABLE_CAP_PENCE

from .. import keys
from ..tabular import Table, whole_number
from .fields import (
    _EMAIL,
    _PHONE,
    _POSTCODE,
    CHANNELS,
    COLUMNS,
    DATE_FIELDS,
    DATE_MEMO,
    EARLIEST_BIRTH,
    MAX_LENGTH,
    NO,
    POSTCODE_MEMO,
    PREVIEW_ROWS,
    YES,
    YES_NO_FIELDS,
    CheckResult,
    RowProblem,
)
from .parsing import parse_date
from .reasons import by_column, no_constituency
from .verdicts import RegisterKeys, _details, _Eligibility, derived_ref

PROGRESS_EVERY = 5000


def _called(name: str) -> str:
    """'Staff constituency' as it is; 'Members' as 'the Members constituency'."""
    return name if name.lower().endswith("constituency") else f"the {name} constituency"


def check_rows(*args, **kwargs) -> CheckResult:
    """Check every row of a table; see `_check_rows`. The cyclic garbage collector is paused:
    the loop makes millions of short-lived objects and no cycles, and collecting as the heap
    grows would cost a third of the time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_rows(*args, **kwargs)
    finally:
        if collecting:
            gc.enable()


def _check_rows(
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
    `progress(rows_checked)` is called every PROGRESS_EVERY rows and once at the end.

    This loop runs a million times for a large register, so it is written for speed: work
    that depends only on the mapping is done once before it."""
    header = table.header
    result = CheckResult(
        file_name=table.file_name,
        encoding=table.encoding,
        header=header,
        mapping=mapping,
        ignored_columns=[h for h in header if h and h not in mapping.values()],
    )
    position = {target: header.index(column) for target, column in mapping.items()}
    mapped = list(position.items())
    width = len(header)
    length_checks = [(t, MAX_LENGTH[t]) for t in MAX_LENGTH if t in position]
    date_targets = [t for t in DATE_FIELDS if t in position]
    text_targets = [t for t in position if t not in DATE_FIELDS]
    xlsx = table.encoding == "xlsx"
    yes_no_targets = [t for t in YES_NO_FIELDS if t in position]
    name_target = "display_name" if "display_name" in position else "family_name"
    joined_names = "display_name" not in position
    name_limit = MAX_LENGTH["display_name"]
    constituencies = {c.id: c for c in constitution.constituencies}
    by_name = {keys.name_key(c.name): c.id for c in constitution.constituencies}
    by_name.update({keys.name_key(c.id): c.id for c in constitution.constituencies})
    classes = {k.id: (c, k) for c in constitution.constituencies for k in c.classes}
    class_by_name = {keys.name_key(k.name): k.id for _, k in classes.values()}
    class_by_name.update({keys.name_key(k): k for k in classes})
    every_needs_age = all(
        c.eligibility.minimum_age is not None for c in constitution.constituencies
    )
    rules = _Eligibility(constitution, on)
    seen_refs: dict[int, int] = {}  # hashed reference -> the row it was first on
    seen_emails: dict[int, int] = {}
    seen_people: dict[int, int] = {}
    register_refs, register_emails, register_people = (
        register.refs,
        register.emails,
        register.people,
    )
    email_people = register.email_people
    problems = result.problems
    rejected = result.rejected_rows
    by_constituency = result.by_constituency
    name_key, name_keys = keys.name_key, keys.name_and_surname_keys
    postcode_ok, email_ok, phone_ok = _POSTCODE.match, _EMAIL.match, _PHONE.match
    rows_total = rows_ready = already_present = 0
    # Per-row work is cut to what the mapping needs, decided here once; what repeats across
    # rows (date texts, postcodes, ages, the rulebook's verdicts) is remembered, within bounds.
    # tests/register/test_importing_fast.py checks the quick paths against the plain ones.
    # A row's values are a list, the mapped fields' in `mapped` order and then None: a field's
    # slot is its place in the list, and `unmapped` (that None) for a field the file does not
    # have. (A non-negative index: a list is quickest to index with one.)
    slot = {t: n for n, (t, _) in enumerate(mapped)}
    unmapped = len(mapped)
    indices = [i for _, i in mapped]
    pick = itemgetter(*indices) if len(indices) > 1 else lambda c: tuple(c[i] for i in indices)
    strip = str.strip
    i_ref, i_name, i_given, i_family, i_born, i_joined, i_address, i_postcode, i_email = (
        slot.get(t, unmapped)
        for t in (
            "external_ref", "display_name", "given_name", "family_name", "date_of_birth",
            "admitted_on", "address", "postcode", "email",
        )
    )  # fmt: skip
    i_phone, i_channel, i_large_print, i_easy_read, i_language, i_sex, i_ethnicity = (
        slot.get(t, unmapped)
        for t in (
            "phone", "contact_channel", "large_print", "easy_read", "language", "sex", "ethnicity",
        )
    )  # fmt: skip
    i_constituency, i_class, i_staff, i_fixed_term, i_months, i_start, i_end, i_last_use = (
        slot.get(t, unmapped)
        for t in (
            "constituency_id", "class_id", "is_staff", "contract_fixed_term", "contract_months",
            "employment_start", "employment_end", "last_service_use",
        )
    )  # fmt: skip
    i_attestations = slot.get("attestations", unmapped)
    i_local_authority = slot.get("local_authority_code", unmapped)
    text_slots = [slot[t] for t in text_targets]
    date_slots = [(t, slot[t]) for t in date_targets]
    yes_no_slots = [(t, slot[t]) for t in yes_no_targets]
    length_slots = [(t, slot[t], limit) for t, limit in length_checks]
    # Most rows have no value near its length limit: one look at the longest first.
    shortest_limit = min((limit for _, limit in length_checks), default=0)
    length_pick = itemgetter(*[i for _, i, _ in length_slots] * 2) if length_slots else None
    has_yes_no = bool(yes_no_targets)
    has_phone = "phone" in position
    has_channel = "contact_channel" in position
    has_constituency = "constituency_id" in position
    has_class = "class_id" in position
    has_attestations = "attestations" in position
    has_months = "contract_months" in position
    has_local_authority = "local_authority_code" in position
    has_shares = "opening_shares" in position
    i_shares = slot.get("opening_shares", unmapped)
    share_rules = constitution.shares
    if share_rules is not None:  # the most one may hold: the rulebook's, and the Act's s.24 cap
        share_limits = (
            [share_rules.maximum_holding_pence]
            if share_rules.maximum_holding_pence is not None
            else []
        )
        if share_rules.withdrawable:
            share_limits.append(WITHDRAWABLE_CAP_PENCE)
        share_ceiling = min(share_limits) if share_limits else None
    opening_shares = result.opening_shares
    # Date text -> date, for dates read before (good ones only: a bad date is explained afresh).
    dates: dict = {}
    dates_get = dates.get
    ages: dict = {}  # date of birth -> the age part of the eligibility key
    ages_get = ages.get
    # Whether any field of rules.key other than age and postcode comes from the file, or a
    # constituency or class can be asked for.
    varying = any(
        t in position
        for t in (
            "local_authority_code", "is_staff", "contract_fixed_term", "contract_months",
            "employment_start", "employment_end", "last_service_use", "attestations",
            "constituency_id", "class_id",
        )
    )  # fmt: skip
    verdicts: dict = {}  # that key -> (constituency_id, problems found)
    verdicts_get = verdicts.get
    postcodes: dict = {}  # a good postcode as typed -> (its normal form, its sector)
    postcodes_get = postcodes.get
    no_sector = ("", "")
    no_attestations: frozenset = frozenset()
    for line, cells in table.rows:
        count = len(cells)
        if count >= width and not xlsx:
            try:  # CSV cells are all text: strip them in one pass
                values = [*map(strip, pick(cells)), None]
            except TypeError:  # some are not (a table made otherwise): as for XLSX
                values = [*(c.strip() if c.__class__ is str else c for c in pick(cells)), None]
        elif count >= width:
            values = [*(c.strip() if c.__class__ is str else c for c in pick(cells)), None]
        else:
            values = [
                *(
                    (cells[i].strip() if cells[i].__class__ is str else cells[i])
                    if i < count
                    else ""
                    for i in indices
                ),
                None,
            ]
        if xlsx:  # a date typed into a text column stays text
            for i in text_slots:
                if values[i].__class__ is not str:
                    values[i] = str(values[i])
        if not any(values) and not any(c.strip() if c.__class__ is str else c for c in cells):
            continue  # blank lines are not rows
        rows_total += 1
        if progress is not None and not rows_total % PROGRESS_EVERY:
            progress(rows_total)
        found: list[tuple[str, str, str]] = []  # (target, reason, kind)
        bad = found.append

        if count > width and any(str(c).strip() for c in cells[width:]):
            bad(
                (
                    "",
                    f"the row has {count} cells but there are only {width} column "
                    "headings (a stray comma or delimiter?)",
                    "extra_cells",
                )
            )
        if joined_names:
            name = " ".join(filter(None, (values[i_given], values[i_family])))
            if len(name) > name_limit:  # the parts are not length-checked on their own
                bad(
                    (
                        name_target,
                        f"first and last name together are {len(name)} characters long;"
                        f" at most {name_limit} fit",
                        "too_long",
                    )
                )
        else:
            name = values[i_name]
        if not name:
            bad((name_target, "the name is missing", "missing_name"))
        if length_slots and max(map(len, length_pick(values))) > shortest_limit:
            for target, i, limit in length_slots:
                text = values[i]
                if len(text) > limit:
                    bad(
                        (target, f"is {len(text)} characters long; at most {limit} fit", "too_long")
                    )
        for target, i in date_slots:
            raw = values[i]
            if raw:
                day = dates_get(raw)
                if day is None:
                    try:
                        day = parse_date(raw)
                    except ValueError as exc:
                        text = str(exc)
                        kind = (
                            "ambiguous_date"
                            if "two-digit" in text
                            else "impossible_date"
                            if "real date" in text
                            else "unreadable_date"
                        )
                        bad((target, text, kind))
                    else:
                        if len(dates) < DATE_MEMO:
                            dates[raw] = day
                values[i] = day
            else:
                values[i] = None
        born = values[i_born]
        if born is not None:
            if born > on:
                bad(("date_of_birth", f"{born:%d/%m/%Y} is in the future", "future_date"))
                born = None
            elif born < EARLIEST_BIRTH:
                bad(
                    (
                        "date_of_birth",
                        f"{born:%d/%m/%Y} is before 1900: a typing error?",
                        "implausible_date",
                    )
                )
                born = None
        joined = values[i_joined]
        if joined is not None and joined > on:
            bad(
                (
                    "admitted_on",
                    f"the joining date {joined:%d/%m/%Y} is in the future",
                    "future_date",
                )
            )
        if has_yes_no:
            for target, i in yes_no_slots:
                raw = values[i]
                text = str(raw).lower()
                if text in YES:
                    values[i] = True
                elif text in NO:
                    values[i] = None if target == "contract_fixed_term" and not text else False
                else:
                    bad((target, f"'{raw}' should be yes or no", "bad_yes_no"))
                    values[i] = None
        months = None
        if has_months:
            months = values[i_months]
            if months:
                if whole_number(months, max_digits=3) is not None:
                    months = whole_number(months, max_digits=3)
                else:
                    bad(("contract_months", f"'{months}' is not a number of months", "bad_number"))
                    months = None
            else:
                months = None
        shares_pence = 0
        if has_shares and values[i_shares]:
            held = values[i_shares]
            count_of = whole_number(held, max_digits=9)
            if share_rules is None:
                bad(
                    ("opening_shares", "the rulebook issues no shares (shares: null)", "bad_shares")
                )
            elif count_of is None:
                bad(("opening_shares", f"'{held}' is not a whole number of shares", "bad_shares"))
            else:
                shares_pence = count_of * share_rules.nominal_value_pence
                if 0 < shares_pence < share_rules.minimum_holding_pence:
                    bad(("opening_shares", f"{count_of} shares ({shares_pence}p) is below the least "
                         f"a member holds ({share_rules.minimum_holding_pence}p)", "bad_shares"))  # fmt: skip
                elif share_ceiling is not None and shares_pence > share_ceiling:
                    bad(("opening_shares", f"{count_of} shares ({shares_pence}p) is above the most "
                         f"a member may hold ({share_ceiling}p)", "bad_shares"))  # fmt: skip
        postcode = values[i_postcode] or ""
        sector = no_sector  # (outward code, first character of the inward code)
        if postcode:
            known = postcodes_get(postcode)
            if known is not None:
                postcode, sector = known
            else:
                typed = postcode
                compact = postcode.replace(" ", "").upper()
                postcode = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact
                if not postcode_ok(postcode):
                    bad(
                        (
                            "postcode",
                            f"'{values[i_postcode]}' is not a valid UK postcode",
                            "bad_postcode",
                        )
                    )
                    postcode = ""
                if postcode:
                    outward, _, inward = postcode.partition(" ")
                    sector = (outward, inward[:1])
                    if len(postcodes) < POSTCODE_MEMO:
                        postcodes[typed] = (postcode, sector)
        email = values[i_email] or ""
        if email:
            email = email.lower()
            if not email_ok(email):
                bad(("email", f"'{values[i_email]}' is not an email address", "bad_email"))
                email = ""
        phone = ""
        if has_phone:
            phone = values[i_phone] or ""
            if phone and not phone_ok(phone):
                bad(("phone", f"'{phone}' is not a phone number", "bad_phone"))
        channel = "post"
        if has_channel:
            channel = CHANNELS.get(str(values[i_channel] or "").lower())
            if channel is None:
                bad(
                    (
                        "contact_channel",
                        f"'{values[i_channel]}' is not one of post, email, phone or text",
                        "bad_channel",
                    )
                )
                channel = "post"
            elif channel == "email" and not email:
                bad(("contact_channel", "contact by email needs an email address", "bad_channel"))

        # Constituency and class, as the file names them or as the rulebook finds them.
        constituency_id = class_id = wanted = ""
        if has_constituency:
            wanted = values[i_constituency] or ""
            if wanted:
                constituency_id = by_name.get(name_key(wanted), "")
                if not constituency_id:
                    bad(
                        (
                            "constituency_id",
                            f"there is no constituency '{wanted}'; they are "
                            f"{'; '.join(c.name for c in constituencies.values())}",
                            "unknown_constituency",
                        )
                    )
        if has_class:
            wanted_class = values[i_class] or ""
            if wanted_class:
                class_id = class_by_name.get(name_key(wanted_class), "")
                if not class_id:
                    bad(
                        (
                            "class_id",
                            f"there is no class '{wanted_class}'; classes are "
                            f"{'; '.join(k.name for _, k in classes.values()) or 'none'}",
                            "unknown_class",
                        )
                    )
                elif not constituency_id:
                    constituency_id = classes[class_id][0].id
                elif classes[class_id][0].id != constituency_id:
                    bad(
                        (
                            "class_id",
                            f"{classes[class_id][1].name} is not a class of "
                            f"{constituencies[constituency_id].name}",
                            "unknown_class",
                        )
                    )
        attestations = no_attestations
        if has_attestations:
            attestation_text = values[i_attestations]
            if attestation_text:
                attestations = frozenset(
                    a.strip() for a in re.split(r"[;|]", str(attestation_text)) if a.strip()
                )
        local_authority = (
            str(values[i_local_authority] or "").upper() if has_local_authority else ""
        )
        is_staff = values[i_staff]
        fixed_term = values[i_fixed_term]
        employment_start = values[i_start]
        employment_end = values[i_end]
        last_service_use = values[i_last_use]
        if born is None and not found:
            minimum = (
                constituencies[constituency_id].eligibility.minimum_age
                if constituency_id
                else (
                    min(c.eligibility.minimum_age for c in constituencies.values())
                    if every_needs_age
                    else None
                )
            )
            if minimum is not None:
                bad(
                    (
                        "date_of_birth",
                        "the date of birth is missing and the rulebook has a "
                        f"minimum age of {minimum}",
                        "missing_date_of_birth",
                    )
                )
        if not found:
            # The rulebook's answer depends only on rules.key(details) and the constituency and
            # class asked for: remembered on those, with the fields the file does not have left
            # out (they are the same on every row).
            if born is None:
                age = None
            else:
                age = ages_get(born)
                if age is None:
                    age = ages[born] = rules.age_key(born)
            asked = (
                (
                    local_authority,
                    is_staff,
                    fixed_term,
                    months,
                    employment_start,
                    employment_end,
                    last_service_use,
                    attestations,
                    constituency_id,
                    class_id,
                    bool(wanted),
                )  # fmt: skip
                if varying
                else None
            )
            verdict = verdicts_get((age, sector, asked))
            if verdict is None:
                key = (
                    age,
                    *sector,
                    local_authority,
                    is_staff,
                    fixed_term,
                    months,
                    employment_start,
                    employment_end,
                    last_service_use,
                    attestations,
                )
                details = _details(
                    born, postcode, local_authority, is_staff, fixed_term, months,
                    employment_start, employment_end, last_service_use, attestations,
                )  # fmt: skip
                if not constituency_id:
                    qualifying = rules.constituencies(key, details)
                    if qualifying:
                        constituency_id = qualifying[0]
                    else:
                        found.extend(no_constituency(rules, constituencies, key, details, position))
                constituency = constituencies.get(constituency_id)
                if constituency is not None:
                    if constituency.classes and not class_id:
                        bad(
                            (
                                "class_id",
                                f"{_called(constituency.name)} needs a class: "
                                f"{', '.join(k.name for k in constituency.classes)}",
                                "class_required",
                            )
                        )
                    else:
                        failing = rules.failing(class_id or constituency_id, key, details)
                        if failing:
                            others = [
                                constituencies[c].name
                                for c in rules.constituencies(key, details)
                                if c != constituency_id
                            ]
                            hint = f"They qualify for {', '.join(others)}." if others else ""
                            kind = "wrong_constituency" if others else "not_eligible"
                            found.extend(by_column(failing, position, kind, hint))
                verdicts[(age, sector, asked)] = (constituency_id, tuple(found))
            else:
                constituency_id, said = verdict
                if said:
                    found.extend(said)

        # Duplicates: against earlier rows of the file, then against the register.
        key_name, key_surname = name_keys(name)
        key_postcode = postcode  # already normalised: keys.postcode_key's form
        ref = values[i_ref] or derived_ref(key_name, born, key_postcode, email)
        ref = ref if ref.__class__ is str else str(ref)
        person = (key_name, born, key_postcode) if key_name and born and key_postcode else None
        # Within the file, rows are remembered by hash (64 bits) to keep a million-row import
        # well under 1 GiB; a false match is about as likely as a meteor strike.
        seen_person = hash(person) if person else None
        seen_email = hash(email) if email else None
        seen_ref = hash(ref)
        if seen_ref in seen_refs:
            if values[i_ref]:
                said = f"reference '{ref}' is also on row {seen_refs[seen_ref]}"
            else:  # a reference made from the row: say what matched, not the reference
                said = (
                    f"the same person as row {seen_refs[seen_ref]} (same name, date of birth, "
                    "postcode and email)"
                )
            bad(("external_ref" if values[i_ref] else "display_name", said,
                 "duplicate_ref_in_file" if values[i_ref] else "duplicate_in_file"))  # fmt: skip
        elif (
            ref in register_refs
            or (person and person in register_people)
            or (
                email
                and email in register_emails
                and email_people.get(email, (None, None))[0] == key_name
                and email_people[email][1] in (None, born)
            )
        ):
            # Already on the register (imported before, or exported and imported back): counted,
            # not added again and not a problem.
            if not found:
                already_present += 1
                seen_refs[seen_ref] = line
                continue
        elif email and seen_email in seen_emails:
            bad(
                (
                    "email",
                    f"the same email as row {seen_emails[seen_email]}",
                    "duplicate_in_file",
                )
            )
        elif person and seen_person in seen_people:
            bad(
                (
                    "display_name",
                    f"the same person as row {seen_people[seen_person]} (same name, date of "
                    "birth and postcode)",
                    "duplicate_in_file",
                )
            )
        elif email and email in register_emails:
            bad(
                (
                    "email",
                    "someone already on the register has this email, with another name or "
                    "date of birth",
                    "duplicate_in_register",
                )
            )
        if seen_ref not in seen_refs:
            seen_refs[seen_ref] = line
        if email and seen_email not in seen_emails:
            seen_emails[seen_email] = line
        if person and seen_person not in seen_people:
            seen_people[seen_person] = line

        if found:
            problems.extend(
                RowProblem(line, mapping.get(target, ""), reason, kind)
                for target, reason, kind in found
            )
            rejected.append((line, cells))
            continue
        rows_ready += 1
        by_constituency[constituency_id] += 1
        if shares_pence:
            opening_shares[ref] = shares_pence
        # (Yes-no fields are True, False or None by now: `is True` is their bool.)
        row = (
            ref, name, born, values[i_address] or "", postcode, local_authority,
            email, phone, channel, values[i_large_print] is True, values[i_easy_read] is True,
            values[i_language] or "", values[i_sex] or "", values[i_ethnicity] or "",
            is_staff is True, fixed_term, months,
            employment_start, employment_end, last_service_use,
            sorted(attestations) if attestations else [], constituency_id, class_id, joined or on, key_name,
            key_surname, key_postcode,
        )  # fmt: skip
        if keep_preview and len(result.preview) < PREVIEW_ROWS:
            result.preview.append(dict(zip(COLUMNS, row, strict=True)))
        if on_ready is not None:
            on_ready(row)
    result.rows_total, result.rows_ready = rows_total, rows_ready
    result.rows_already_present = already_present
    if progress is not None:
        progress(rows_total)
    return result
