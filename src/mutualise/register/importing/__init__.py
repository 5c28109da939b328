"""Bulk import of members from CSV or XLSX: map columns, check every row, report every problem.

`check_file` reads and checks a file without writing anything: the preview and the row report
(row, column, reason) an officer sees before accepting. `services.accept_import` runs the same
checks again against the register as it is then, and writes the good rows (`bulkwrite`).

Re-importing a file is idempotent: each row has an external reference (the file's own id
column, or one derived from the person's name, date of birth, postcode and email), and rows
whose reference is already on the register are counted as already present, not added again.
"""

from __future__ import annotations

from .checker import PROGRESS_EVERY, check_rows
from .fields import (
    _POSTCODE,
    CHANNELS,
    COLUMNS,
    DATE_FIELDS,
    DATE_MEMO,
    EARLIEST_BIRTH,
    FIELDS,
    MAX_LENGTH,
    NO,
    POSTCODE_MEMO,
    PREVIEW_ROWS,
    YES,
    YES_NO_FIELDS,
    CheckResult,
    RowProblem,
)
from .files import check_file
from .parsing import auto_mapping, parse_date, parse_mapping, resolve_mapping
from .verdicts import RegisterKeys, _Eligibility, derived_ref

__all__ = [
    "CHANNELS",
    "COLUMNS",
    "CheckResult",
    "DATE_FIELDS",
    "DATE_MEMO",
    "EARLIEST_BIRTH",
    "FIELDS",
    "MAX_LENGTH",
    "NO",
    "POSTCODE_MEMO",
    "PREVIEW_ROWS",
    "PROGRESS_EVERY",
    "RegisterKeys",
    "RowProblem",
    "YES",
    "YES_NO_FIELDS",
    "_Eligibility",
    "_POSTCODE",
    "auto_mapping",
    "check_file",
    "check_rows",
    "derived_ref",
    "parse_date",
    "parse_mapping",
    "resolve_mapping",
]
