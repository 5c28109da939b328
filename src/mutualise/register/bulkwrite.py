"""Writing many members fast: PostgreSQL COPY (psycopg 3), batched inserts on SQLite.

Rows arrive in `importing.COLUMNS` order from the checker. A writer thread writes batches while
the checker works on the next ones (the checker makes no queries, so the two never use the
connection at once). On PostgreSQL the server works in its own process, so checking and writing
use both cores; on SQLite they mostly take turns, as the sqlite3 module binds values holding
the GIL (measured: no faster, and no slower, than writing in the checker's thread).
Membership numbers come from the organisation's counter, locked for the whole import; each
member's membership period is created in one INSERT ... SELECT at the end. Runs inside the
caller's transaction.
"""

from __future__ import annotations

import json
import queue
import threading

from django.db import connections
from django.utils import timezone

from .importing import COLUMNS
from .models import MemberNumberSequence

BATCH = 5000
SQLITE_CACHE_KIB = -131072  # negative: KiB, not pages
_ATTESTATIONS = COLUMNS.index("attestations")
_ADMITTED = COLUMNS.index("admitted_on")
MEMBER_COLUMNS = (
    "organisation_id", "number", "status", "import_batch_id", "applied_on", "consents",
    "created_at", *COLUMNS,
)  # fmt: skip
_STOP = object()
_ABORT = object()


class _Aborted(Exception):
    pass


class MemberWriter:
    """Use as a context manager: `add` rows, then `finish`; leaving early aborts the writes."""

    def __init__(self, organisation, batch, using: str = "default"):
        self.organisation, self.batch = organisation, batch
        self.connection = connections[using]
        self.sequence = MemberNumberSequence.objects.select_for_update().get_or_create(
            organisation=organisation
        )[0]
        self.next_number = self.sequence.last_number + 1
        self.buffer: list[tuple] = []
        self.written = 0
        now = timezone.now()
        self.postgres = self.connection.vendor == "postgresql"
        self.now = now if self.postgres else self.connection.ops.adapt_datetimefield_value(now)
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="member-writer", daemon=True)

    def __enter__(self) -> MemberWriter:
        if not self.postgres:
            # SQLite's default 2 MB page cache makes every index insertion into a large
            # register a disk read; give this import 128 MB, and put it back afterwards.
            with self.connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
        self.connection.inc_thread_sharing()
        self.thread.start()
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if self.thread.is_alive():
            self.queue.put(_ABORT)
            self.thread.join()
        self.connection.dec_thread_sharing()
        if not self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.cache_size)}")

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= BATCH:
            self._send()

    def _send(self) -> None:
        if self.error is not None:
            raise self.error
        if not self.buffer:
            return
        first, head = self.next_number, (self.organisation.pk, "admitted", self.batch.pk)
        rows = []
        for offset, row in enumerate(self.buffer):
            attestations = row[_ATTESTATIONS]
            rows.append(
                (
                    head[0], first + offset, head[1], head[2], row[_ADMITTED], "{}", self.now,
                    *row[:_ATTESTATIONS],
                    json.dumps(attestations) if attestations else "[]",
                    *row[_ATTESTATIONS + 1 :],
                )
            )  # fmt: skip
        self.next_number += len(rows)
        self.written += len(rows)
        self.buffer = []
        self.queue.put(rows)

    def _batches(self):
        while True:
            item = self.queue.get()
            if item is _STOP:
                return
            if item is _ABORT:
                raise _Aborted
            yield item

    def _work(self) -> None:
        columns = ", ".join(MEMBER_COLUMNS)
        try:
            with self.connection.cursor() as cursor:
                if self.postgres:
                    with cursor.cursor.copy(f"COPY register_member ({columns}) FROM STDIN") as copy:
                        for rows in self._batches():
                            for row in rows:
                                copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(MEMBER_COLUMNS))
                    sql = f"INSERT INTO register_member ({columns}) VALUES ({marks})"
                    for rows in self._batches():
                        cursor.executemany(sql, rows)
        except _Aborted:
            pass
        except BaseException as exc:  # handed to the checker's thread, which raises it
            self.error = exc
            while self.queue.get() not in (_STOP, _ABORT):
                pass  # drain, so the checker never blocks on a full queue

    def finish(self) -> int:
        self._send()
        self.queue.put(_STOP)
        self.thread.join()
        if self.error is not None:
            raise self.error
        with self.connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO register_membershipperiod"
                " (organisation_id, member_id, constituency_id, class_id, started_on, ended_on)"
                " SELECT organisation_id, id, constituency_id, class_id, admitted_on, NULL"
                " FROM register_member WHERE import_batch_id = %s",
                [self.batch.pk],
            )
        self.sequence.last_number = self.next_number - 1
        self.sequence.save(update_fields=["last_number"])
        return self.written
