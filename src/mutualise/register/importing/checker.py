"""The row checker: every row of a file against the rulebook and the register.

A pipeline of one check per family of columns (row_values, names, dates, answers, shares,
addresses, contact, constituency, qualifying, duplicates), each built once for the file's
mapping and then asked of every row in turn. A check reports a problem as (field, reason,
kind) and hands back the cleaned values the next checks and the register need. What repeats
across rows (date texts, postcodes, ages, the rulebook's verdicts) is remembered inside the
check that reads it, within bounds."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date

from ..tabular import Table
from .addresses import PostcodeCheck
from .answers import MonthsCheck, YesNoCheck
from .constituency import ConstituencyChoice
from .contact import ContactCheck
from .dates import DateCheck
from .duplicates import DuplicateCheck
from .fields import COLUMNS, PREVIEW_ROWS, CheckResult, RowProblem
from .names import LengthCheck, NameCheck
from .qualifying import QualifyingCheck
from .row_values import RowValues
from .shares import ShareCheck
from .verdicts import RegisterKeys

PROGRESS_EVERY = 5000
LINES_NAMED = 50  # rows named in a warning; the rest are counted


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
    `progress(rows_checked)` is called every PROGRESS_EVERY rows and once at the end."""
    header = table.header
    result = CheckResult(
        file_name=table.file_name,
        encoding=table.encoding,
        header=header,
        mapping=mapping,
        ignored_columns=[h for h in header if h and h not in mapping.values()],
    )
    row = RowValues(table, mapping)
    names, lengths, dates = NameCheck(row), LengthCheck(row), DateCheck(row, on)
    yes_no, months_check, shares = (
        YesNoCheck(row),
        MonthsCheck(row),
        ShareCheck(row, constitution.shares),
    )
    postcodes, contact = PostcodeCheck(row), ContactCheck(row)
    choice, qualifying = (
        ConstituencyChoice(row, constitution),
        QualifyingCheck(row, constitution, on),
    )
    duplicates = DuplicateCheck(row, register)
    least_holding = constitution.shares.minimum_holding_pence if constitution.shares else 0
    result.minimum_holding_pence, result.shares_column = least_holding, row.has("opening_shares")
    problems, rejected = result.problems, result.rejected_rows
    by_constituency, opening_shares, preview = (
        result.by_constituency, result.opening_shares, result.preview,
    )  # fmt: skip
    slot_of = row.slot_of
    i_address, i_large_print, i_easy_read = (
        slot_of("address"), slot_of("large_print"), slot_of("easy_read"),
    )  # fmt: skip
    i_language, i_sex, i_ethnicity = slot_of("language"), slot_of("sex"), slot_of("ethnicity")
    rows_total = rows_ready = 0
    for line, cells in table.rows:
        values = row.read(cells)
        if values is None:
            continue  # blank lines are not rows
        rows_total += 1
        if progress is not None and not rows_total % PROGRESS_EVERY:
            progress(rows_total)
        found: list[tuple[str, str, str]] = []  # (target, reason, kind), in the order found
        bad = found.append
        row.extra_cells(cells, bad)
        name = names.check(values, bad)
        lengths.check(values, bad)
        born, joined = dates.check(values, bad)
        yes_no.check(values, bad)
        months = months_check.check(values, bad)
        shares_pence = shares.check(values, bad)
        postcode, sector = postcodes.check(values, bad)
        email, phone, channel = contact.check(values, bad)
        chosen = choice.check(values, bad)
        facts = qualifying.facts(values, months)
        constituency_id = (
            qualifying.check(born, postcode, sector, facts, chosen, found)
            if not found
            else chosen[0]
        )
        keyed = duplicates.check(line, values, name, born, postcode, email, found)
        if keyed is None:
            continue  # already on the register
        if found:
            problems.extend(
                RowProblem(line, mapping.get(target, ""), reason, kind)
                for target, reason, kind in found
            )
            rejected.append((line, cells))
            continue
        ref, key_name, key_surname = keyed
        rows_ready += 1
        by_constituency[constituency_id] += 1
        if shares_pence:
            opening_shares[ref] = shares_pence
        elif least_holding:
            result.rows_without_shares += 1
            if len(result.lines_without_shares) < LINES_NAMED:
                result.lines_without_shares.append(line)
        local_authority, is_staff, fixed_term, _, start, end, last_use, attestations = facts
        # (Yes-no fields are True, False or None by now: `is True` is their bool.)
        ready = (
            ref, name, born, values[i_address] or "", postcode, local_authority,
            email, phone, channel, values[i_large_print] is True, values[i_easy_read] is True,
            values[i_language] or "", values[i_sex] or "", values[i_ethnicity] or "",
            is_staff is True, fixed_term, months, start, end, last_use,
            sorted(attestations) if attestations else [], constituency_id, chosen[1],
            joined or on, key_name, key_surname, postcode,
        )  # fmt: skip
        if keep_preview and len(preview) < PREVIEW_ROWS:
            preview.append(dict(zip(COLUMNS, ready, strict=True)))
        if on_ready is not None:
            on_ready(ready)
    result.rows_total, result.rows_ready = rows_total, rows_ready
    result.rows_already_present = duplicates.already_present
    if progress is not None:
        progress(rows_total)
    return result
