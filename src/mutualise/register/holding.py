"""A large import on SQLite, beside voting: short committed chunks, then one short final step.

SQLite has one write lock for the whole database, and an import written in one transaction
holds it for all of its writing: a vote cast meanwhile waits for the whole import (or, past the
busy timeout, is refused). So on SQLite an import:

1. `begin`: records an `ImportHolding` (its organisation, job and process) in a transaction of
   its own, after deleting what lost imports left behind;
2. checks the file outside any transaction (reads do not block writers in WAL mode) while a
   `HoldingWriter` thread, on a connection of its own, writes each batch of checked rows into
   the holding table in its own short transaction (BEGIN IMMEDIATE ... COMMIT);
3. `apply`, inside the caller's one final transaction: rows whose reference joined the register
   meanwhile are counted as already present, the rest become members (numbered in file order,
   INSERT ... SELECT) with their membership periods, the number counter moves on, and the
   caller records the batch, the audit event and the job's end in the same transaction;
4. `discard`: the held rows are deleted in short transactions.

A kill -9 at any point leaves nothing of the import on the register (before the final commit)
or all of it (after); the held rows it leaves are invisible as members and are deleted by
`discard_lost` when the worker next starts, or when the organisation's next import begins.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import socket
import threading
from datetime import timedelta

from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from mutualise import clock

from .bulkwrite import SQLITE_CACHE_KIB, _sqlite_insert
from .importing import COLUMNS
from .models import Member, MemberNumberSequence
from .models_holding import ImportHolding

logger = logging.getLogger("mutualise.register")
BATCH = 2000  # rows a chunk: a few hundredths of a second of the write lock
DELETE_CHUNK = 20_000
# Another machine's import quiet this long is taken for lost (one machine is the usual install).
LOST_AFTER = timedelta(days=1)
HELD_COLUMNS = ("organisation_id", "holding_id", "position", *COLUMNS)
_ATTESTATIONS = COLUMNS.index("attestations")
_STOP = object()
_ABORT = object()


def applies() -> bool:
    """Whether an import goes through the holding table: on SQLite, not on PostgreSQL (whose
    row locks let casting go on beside an import's one transaction: `services/imports.py`),
    and not inside a caller's transaction (its chunks could not commit)."""
    return connection.vendor == "sqlite" and not connection.in_atomic_block


def _owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _owner_gone(holding: ImportHolding) -> bool:
    host, _, pid = holding.owner.partition(":")
    if host != socket.gethostname()[:40] or not pid.isdecimal():
        return holding.started_at < timezone.now() - LOST_AFTER
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def begin(organisation, *, job=None) -> ImportHolding:
    """A new holding, committed; first the leftovers of this job's earlier attempt and of this
    organisation's lost imports are deleted."""
    stale = ImportHolding.objects.filter(organisation=organisation)
    for holding in stale:
        if (job is not None and holding.job_id == job.pk) or _owner_gone(holding):
            discard(holding.pk)
    with transaction.atomic():
        return ImportHolding.objects.create(organisation=organisation, job=job, owner=_owner())


def discard(holding_id: int) -> None:
    """Delete a holding's rows a chunk at a time (each its own short transaction), then it;
    all at once where no other holding has rows (SQLite empties a table without a WHERE by
    freeing its pages, not row by row)."""
    with connection.cursor() as cursor:
        with transaction.atomic():
            cursor.execute(
                "SELECT count(*) FROM register_importholding WHERE id != %s", [holding_id]
            )
            if not cursor.fetchone()[0]:
                cursor.execute("DELETE FROM register_importholdingrow")
        while True:
            with transaction.atomic():
                cursor.execute(
                    "DELETE FROM register_importholdingrow WHERE id IN (SELECT id FROM"
                    " register_importholdingrow WHERE holding_id = %s LIMIT %s)",
                    [holding_id, DELETE_CHUNK],
                )
                if cursor.rowcount < DELETE_CHUNK:
                    break
    with transaction.atomic():
        ImportHolding.objects.filter(pk=holding_id).delete()


def discard_quietly(holding_id: int) -> None:
    """`discard` after the import's end: a failure to tidy must not turn a committed import
    into a failed one (what is left is deleted when the worker next starts)."""
    try:
        discard(holding_id)
    except DatabaseError:
        logger.warning("import holding %s: held rows not deleted yet", holding_id, exc_info=True)


def discard_lost() -> int:
    """Delete the holdings whose process is gone (killed mid-import). Returns how many."""
    lost = [h.pk for h in ImportHolding.objects.all() if _owner_gone(h)]
    for holding_id in lost:
        discard(holding_id)
    return len(lost)


class _Aborted(Exception):
    pass


class HoldingWriter:
    """Checked rows (in COLUMNS order) into the holding table, BATCH rows per committed
    transaction, on a connection of its own: the checking thread's connection stays free (its
    progress reports are short transactions of their own). `threaded`: by a thread, while a
    checking process works (checkproc.py); else in the caller's thread, between its rows
    (a writer thread would hold SQLite's lock while it waits for Python's). Use as a context
    manager: `add` or `add_columns`, then `finish`; leaving early stops the writing."""

    def __init__(self, holding: ImportHolding, *, threaded: bool = False):
        self.holding, self.threaded = holding, threaded
        self.buffer: list[tuple] = []
        self.written = 0
        # The connection is made from these, in the thread that writes (the test database's
        # under the tests).
        self.settings_dict = dict(connections["default"].settings_dict)
        self.wrapper = type(connections["default"])
        self.own = None
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="holding-writer", daemon=True)

    def __enter__(self) -> HoldingWriter:
        if self.threaded:
            self.thread.start()
        else:
            self.own = self._connect()
        return self

    def __exit__(self, *exc) -> None:
        if self.thread.is_alive():
            self.queue.put(_ABORT)
            self.thread.join()
        if self.own is not None:
            self.own.close()

    def _connect(self):
        own = self.wrapper(self.settings_dict, alias="holding-writer")
        own.ensure_connection()
        return own

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= BATCH:
            self._send()

    def _send(self) -> None:
        if self.buffer:
            self.add_columns(list(zip(*self.buffer, strict=True)))
            self.buffer = []

    def add_columns(self, columns: list[tuple]) -> None:
        if self.error is not None:
            raise self.error
        count = len(columns[0]) if columns else 0
        if not count:
            return
        if count > BATCH:  # a checking process's batch, in chunks of our size
            for start in range(0, count, BATCH):
                self.add_columns([column[start : start + BATCH] for column in columns])
            return
        columns = list(columns)
        attestations = columns[_ATTESTATIONS]
        columns[_ATTESTATIONS] = (
            tuple(json.dumps(a) if a else "[]" for a in attestations)
            if any(attestations)
            else ("[]",) * count
        )
        head = [
            (self.holding.organisation_id,) * count,
            (self.holding.pk,) * count,
            range(self.written, self.written + count),
        ]
        self.written += count
        if self.threaded:
            self.queue.put(head + columns)
        else:
            _write_chunk(self.own.connection, head + columns)

    def _work(self) -> None:
        own = None
        try:
            own = self._connect()
            while True:
                item = self.queue.get()
                if item is _STOP:
                    return
                if item is _ABORT:
                    raise _Aborted
                _write_chunk(own.connection, item)
        except _Aborted:
            pass
        except BaseException as exc:  # handed to the checking thread, which raises it
            self.error = exc
            while self.queue.get() not in (_STOP, _ABORT):
                pass  # drain, so the checker never blocks on a full queue
        finally:
            if own is not None:
                own.close()

    def finish(self) -> int:
        self._send()
        if self.threaded:
            self.queue.put(_STOP)
            self.thread.join()
        if self.error is not None:
            raise self.error
        return self.written


def _write_chunk(raw, columns: list) -> None:
    """One batch (column by column) in one short transaction of its own."""
    sql, rows = _sqlite_insert(columns, HELD_COLUMNS, "register_importholdingrow")
    raw.execute("BEGIN IMMEDIATE")
    try:
        raw.executemany(sql, rows)
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    raw.execute("COMMIT")


_MEMBER_FIELDS = [c for c in COLUMNS if c != "admitted_on"]


def apply(holding: ImportHolding, batch, *, as_applicants: bool, members_since: int) -> dict:
    """Move a holding's rows into the register; call inside the final transaction. Rows whose
    external reference joined the register after `members_since` (the highest member id when
    the register's keys were read) are left out and counted as already present. Returns
    {"created": n, "already_present": n}."""
    organisation = holding.organisation_id
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM register_importholdingrow WHERE holding_id = %s AND external_ref IN"
            " (SELECT external_ref FROM register_member WHERE organisation_id = %s AND id > %s"
            " AND external_ref != '')",
            [holding.pk, organisation, members_since],
        )
        already_present = max(cursor.rowcount, 0)
        sequence = MemberNumberSequence.objects.select_for_update().get_or_create(
            organisation_id=organisation
        )[0]
        first = sequence.last_number + 1
        # As bulkwrite's writer: a page cache that holds the register's indexes, for this step.
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
        fields = ", ".join(_MEMBER_FIELDS)
        now = connection.ops.adapt_datetimefield_value(clock.now())
        cursor.execute(
            "INSERT INTO register_member (organisation_id, number, status, import_batch_id,"
            f" applied_on, consents, created_at, admitted_on, {fields})"
            " SELECT organisation_id, %s + row_number() OVER (ORDER BY position), %s, %s,"
            f" admitted_on, '{{}}', %s, {'NULL' if as_applicants else 'admitted_on'}, {fields}"
            " FROM register_importholdingrow WHERE holding_id = %s ORDER BY position",
            [first - 1, "applied" if as_applicants else "admitted", batch.pk, now, holding.pk],
        )
        created = cursor.rowcount
        last = first + created - 1
        if not as_applicants and created:
            cursor.execute(
                "INSERT INTO register_membershipperiod (organisation_id, member_id,"
                " constituency_id, class_id, started_on, ended_on)"
                " SELECT organisation_id, id, constituency_id, class_id, admitted_on, NULL"
                " FROM register_member WHERE organisation_id = %s AND number BETWEEN %s AND %s",
                [organisation, first, last],
            )
        cursor.execute(f"PRAGMA cache_size = {cache_size}")
    sequence.last_number = last if created else sequence.last_number
    sequence.save(update_fields=["last_number"])
    return {"created": created, "already_present": already_present}


def highest_member_id() -> int:
    return Member.objects.order_by("-id").values_list("id", flat=True).first() or 0
