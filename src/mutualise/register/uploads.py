"""Erasure reaches the import files the register still holds: uploads waiting for an
officer's decision, and the rejected rows kept after an import for the officer to fix.

A row is the erased person's when it carries their email or external reference, or their
name together with their postcode or date of birth (a name alone is too common to act on).
An upload holding such a row is discarded whole (the officer uploads it again from their own
copy, without the person); a rejected row is removed from the kept list.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from . import keys
from .importing import parse_date
from .tabular import TableError, read_table


@dataclass(frozen=True)
class Person:
    email: str
    external_ref: str
    name_key: str
    postcode_key: str
    born: object  # date or None

    @classmethod
    def of(cls, member) -> Person:
        return cls(
            email=keys.email_key(member.email),
            external_ref=(member.external_ref or "").strip().casefold(),
            name_key=member.name_key or keys.name_key(member.display_name),
            postcode_key=member.postcode_key or keys.postcode_key(member.postcode),
            born=member.date_of_birth,
        )

    def in_row(self, cells) -> bool:
        texts = [str(c).strip() for c in cells if c not in (None, "")]
        folded = {t.casefold() for t in texts}
        if self.email and self.email in folded:
            return True
        ref = self.external_ref
        if ref and not ref.startswith("auto:") and ref in folded:
            return True
        if not self.name_key or self.name_key not in keys.name_key(" ".join(texts)):
            return False
        if self.postcode_key and any(keys.postcode_key(t) == self.postcode_key for t in texts):
            return True
        return self.born is not None and any(_date_or_none(t) == self.born for t in texts)


def _date_or_none(text: str):
    try:
        return parse_date(text)
    except ValueError:
        return None


def holds(data: bytes, file_name: str, person: Person) -> bool:
    """Whether an uploaded file has a row of this person's."""
    try:
        table = read_table(data, file_name)
        return any(person.in_row(cells) for _, cells in table.rows)
    except TableError:  # unreadable as a table (even part-way): judge by the raw bytes
        if data[:4] == b"PK\x03\x04":  # a damaged XLSX: packed, so its bytes say nothing;
            return True  # it cannot be imported anyway, so it goes rather than risk keeping them
        lowered = data.lower()
        return any(
            needle and needle.encode() in lowered for needle in (person.email, person.external_ref)
        )


def without(rejected_csv: str, person: Person) -> tuple[str, int]:
    """The rejected-rows CSV with this person's rows taken out, and how many were."""
    rows = list(csv.reader(io.StringIO(rejected_csv)))
    if not rows:
        return rejected_csv, 0
    kept = [rows[0]] + [row for row in rows[1:] if not person.in_row(row)]
    removed = len(rows) - len(kept)
    if not removed:
        return rejected_csv, 0
    out = io.StringIO()
    csv.writer(out).writerows(kept)
    return out.getvalue(), removed
