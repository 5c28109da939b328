"""Checking a whole file without writing anything."""

from __future__ import annotations

from datetime import date

from ..queries import today
from ..tabular import read_table
from .checker import check_rows
from .fields import CheckResult
from .parsing import resolve_mapping
from .verdicts import RegisterKeys


def check_file(
    organisation,
    data: bytes,
    file_name: str,
    mapping: dict[str, str] | None = None,
    on: date | None = None,
) -> CheckResult:
    """Read and check a file against the organisation's rulebook and register. Writes nothing."""

    table = read_table(data, file_name)
    resolved = resolve_mapping(table.header, mapping)
    return check_rows(
        table, resolved, organisation.constitution, RegisterKeys.load(organisation), on or today()
    )
