"""Mapping a file's headings to fields, and reading its dates."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

from .. import keys
from ..tabular import TableError
from .fields import _DATE_SPLIT, FIELDS


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
    if isinstance(value, datetime):  # a spreadsheet cell with a time of day: the day
        return value.date()
    if isinstance(value, date):
        return value
    value = value.strip()
    if not value:
        return None
    if (
        len(value) == 10
        and value[2] == "/"
        and value[5] == "/"
        and value[6:].isascii()
        and value[6:].isdigit()
    ):
        with contextlib.suppress(ValueError):  # the common case, fast; else explained below
            return date(int(value[6:]), int(value[3:5]), int(value[:2]))
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        year, month, day = value[:4], value[5:7], value[8:]
    else:
        parts = _DATE_SPLIT.split(value)
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
            raise ValueError(f"'{value}' is not a date; write it as 28/02/2001 or 2001-02-28")
        day, month, year = parts
        if len(year) != 4:
            raise ValueError(f"'{value}' has a two-digit year; write the year in full")
    if not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in (year, month, day)):
        raise ValueError(f"'{value}' is not a date; write it as 28/02/2001 or 2001-02-28")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"'{value}' is not a real date (no such day)") from None
