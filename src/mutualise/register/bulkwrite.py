"""Writing many members fast: PostgreSQL COPY (psycopg 3), batched inserts on SQLite.

Rows arrive in `importing.COLUMNS` order from the checker; the writer adds the organisation,
number, status and batch, and creates each member's membership period in one INSERT ... SELECT
at the end. Runs inside the caller's transaction.
"""

from __future__ import annotations

import json

from django.db import connection
from django.utils import timezone

from .importing import COLUMNS

BATCH = 5000
_ATTESTATIONS = COLUMNS.index("attestations")
_ADMITTED = COLUMNS.index("admitted_on")
MEMBER_COLUMNS = (
    "organisation_id", "number", "status", "import_batch_id", "applied_on", "consents",
    "created_at", *COLUMNS,
)  # fmt: skip


class MemberWriter:
    """Buffer good rows and write them BATCH at a time, numbering them in file order."""

    def __init__(self, organisation, batch):
        from .services import reserve_numbers

        self.organisation, self.batch = organisation, batch
        self.reserve = reserve_numbers
        self.buffer: list[tuple] = []
        self.written = 0
        self.now = timezone.now()
        self.postgres = connection.vendor == "postgresql"

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        first = self.reserve(self.organisation, len(self.buffer))
        head = (self.organisation.pk, None, "admitted", self.batch.pk)
        rows = []
        for offset, row in enumerate(self.buffer):
            row = list(row)
            row[_ATTESTATIONS] = json.dumps(row[_ATTESTATIONS])
            rows.append(
                (*head[:1], first + offset, *head[2:], row[_ADMITTED], "{}", self.now, *row)
            )
        if self.postgres:
            self._copy(rows)
        else:
            self._insert(rows)
        self.written += len(rows)
        self.buffer.clear()

    def _copy(self, rows: list[tuple]) -> None:
        with connection.cursor() as cursor:
            sql = f"COPY register_member ({', '.join(MEMBER_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)

    def _insert(self, rows: list[tuple]) -> None:
        adapt = connection.ops.adapt_datetimefield_value
        now = adapt(self.now)
        created = MEMBER_COLUMNS.index("created_at")
        rows = [(*row[:created], now, *row[created + 1 :]) for row in rows]
        marks = ", ".join(["%s"] * len(MEMBER_COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO register_member ({', '.join(MEMBER_COLUMNS)}) VALUES ({marks})",
                rows,
            )

    def finish(self) -> int:
        self.flush()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO register_membershipperiod"
                " (organisation_id, member_id, constituency_id, class_id, started_on, ended_on)"
                " SELECT organisation_id, id, constituency_id, class_id, admitted_on, NULL"
                " FROM register_member WHERE import_batch_id = %s",
                [self.batch.pk],
            )
        return self.written
