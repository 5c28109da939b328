"""Writing many members fast: PostgreSQL COPY (psycopg 3), batched inserts on SQLite.

Rows arrive in `importing.COLUMNS` order from the checker. A writer thread writes batches while
the checker works on the next ones (the checker makes no queries, so the two never use the
connection at once). On PostgreSQL the server works in its own process, so checking and writing
use both cores; on SQLite they mostly take turns, as the sqlite3 module binds values holding
the GIL. Membership numbers come from the organisation's counter, locked for the whole import;
each member's membership period is created in one INSERT ... SELECT at the end. Runs inside the
caller's transaction.

Two bulk-load techniques, each keeping the database's guarantees:

- PostgreSQL checks foreign keys with a trigger per row (six a member and period, deferred to
  commit: over a third of the server's time for a large import). Where the database role may
  set `session_replication_role` (a superuser, or on PostgreSQL 15+ after
  `GRANT SET ON PARAMETER session_replication_role TO <role>`), those triggers are switched off
  for this transaction's COPY and INSERT only, and the same facts are proved set-wise instead:
  the parent rows exist and are locked against deletion until commit (the organisation FOR
  UPDATE by the caller, the batch created in this transaction), every new member row carries
  exactly this organisation and batch and no user or merge link, and each period was derived
  from one of those rows in the same statement. Without the privilege the triggers run.
- SQLite: columns that hold one value for a whole batch (fields the file does not map) are
  written as SQL literals rather than bound a million times. (Dropping and rebuilding its
  indexes around a large load was tried and measured by `make bench`: under 1% on 1,000,000
  rows, so it went: issue 20 keeps an optimisation only at 10% or more.)
"""

from __future__ import annotations

import json
import queue
import threading
from datetime import date

from django.conf import settings
from django.db import IntegrityError, connections

from mutualise import clock

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

    def __init__(
        self,
        organisation,
        batch,
        using: str = "default",
        expected_rows: int = 0,
        as_applicants: bool = False,
    ):
        self.organisation, self.batch, self.expected_rows = organisation, batch, expected_rows
        # Applicants wait for the board: no admission date and no membership period yet.
        self.as_applicants = as_applicants
        self.connection = connections[using]
        self.sequence = MemberNumberSequence.objects.select_for_update().get_or_create(
            organisation=organisation
        )[0]
        self.first_number = self.next_number = self.sequence.last_number + 1
        self.buffer: list[tuple] = []
        self.written = 0
        now = clock.now()
        self.postgres = self.connection.vendor == "postgresql"
        self.now = now if self.postgres else self.connection.ops.adapt_datetimefield_value(now)
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="member-writer", daemon=True)
        self.set_based_checks = False

    def __enter__(self) -> MemberWriter:
        with self.connection.cursor() as cursor:
            if self.postgres:
                self.set_based_checks = _may_switch_off_row_triggers(self.connection, cursor)
                if self.set_based_checks:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            else:
                # SQLite's default 2 MB page cache makes every index insertion into a large
                # register a disk read; give this import 128 MB, and put it back afterwards.
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
        if self.buffer:
            self.add_columns(list(zip(*self.buffer, strict=True)))
            self.buffer = []

    def add_columns(self, columns: list[tuple]) -> None:
        """A batch of checked rows, column by column (in COLUMNS order): built in C by `zip`,
        not row by row in Python."""
        if self.error is not None:
            raise self.error
        count = len(columns[0]) if columns else 0
        if not count:
            return
        first = self.next_number
        attestations = columns[_ATTESTATIONS]
        columns = list(columns)
        columns[_ATTESTATIONS] = (
            tuple(json.dumps(a) if a else "[]" for a in attestations)
            if any(attestations)
            else ("[]",) * count
        )
        head = [
            (self.organisation.pk,) * count,
            range(first, first + count),
            ("applied" if self.as_applicants else "admitted",) * count,
            (self.batch.pk,) * count,
            columns[_ADMITTED],  # applied on: the joining date given, else the import's day
            ("{}",) * count,
            (self.now,) * count,
        ]
        if self.as_applicants:
            columns[_ADMITTED] = (None,) * count
        self.next_number += count
        self.written += count
        self.queue.put(head + columns)

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
                        for batch in self._batches():
                            for row in zip(*batch, strict=True):
                                copy.write_row(row)
                else:
                    for batch in self._batches():
                        sql, rows = _sqlite_insert(batch)
                        # sqlite3's own cursor: "?" marks, and no rewriting of "%s" in literals
                        self.connection.connection.executemany(sql, rows)
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
        last = self.next_number - 1
        with self.connection.cursor() as cursor:
            periods = 0
            if not self.as_applicants:
                cursor.execute(
                    "INSERT INTO register_membershipperiod (organisation_id, member_id,"
                    " constituency_id, class_id, started_on, ended_on)"
                    " SELECT organisation_id, id, constituency_id, class_id, admitted_on, NULL"
                    " FROM register_member"
                    " WHERE organisation_id = %s AND number BETWEEN %s AND %s",
                    [self.organisation.pk, self.first_number, last],
                )
                periods = cursor.rowcount
            if self.set_based_checks:
                cursor.execute("SET LOCAL session_replication_role = origin")
                self._prove_foreign_keys(cursor, periods)
        self.sequence.last_number = self.next_number - 1
        self.sequence.save(update_fields=["last_number"])
        return self.written

    def _prove_foreign_keys(self, cursor, periods: int) -> None:
        """What the switched-off foreign-key triggers would have checked, set-wise."""
        organisation, batch = self.organisation.pk, self.batch.pk
        cursor.execute(
            "SELECT id FROM register_organisation WHERE id = %s FOR KEY SHARE", [organisation]
        )
        found_organisation = len(cursor.fetchall())
        cursor.execute(
            "SELECT id FROM register_importbatch"
            " WHERE id = %s AND organisation_id = %s FOR KEY SHARE",
            [batch, organisation],
        )
        found_batch = len(cursor.fetchall())
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE import_batch_id IS DISTINCT FROM %s"
            " OR user_id IS NOT NULL OR merged_into_id IS NOT NULL)"
            " FROM register_member WHERE organisation_id = %s AND number BETWEEN %s AND %s",
            [batch, organisation, self.first_number, self.next_number - 1],
        )
        members, stray = cursor.fetchone()
        expected_periods = 0 if self.as_applicants else self.written
        if (found_organisation, found_batch, members, stray, periods) != (
            1, 1, self.written, 0, expected_periods,
        ):  # fmt: skip
            raise IntegrityError(
                f"import {batch}: the bulk load does not match its foreign keys (organisation"
                f" {found_organisation}, batch {found_batch}, members {members} of"
                f" {self.written}, stray links {stray}, periods {periods}); nothing was kept"
            )


def _may_switch_off_row_triggers(connection, cursor) -> bool:
    """Whether this role may set session_replication_role (see the module's docstring)."""
    if not getattr(settings, "MUTUALISE_IMPORT_SET_BASED_CHECKS", True):
        return False
    if connection.pg_version >= 150000:
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    else:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


def _sqlite_literal(value) -> str | None:
    """`value` as an SQLite literal, or None where it is better bound."""
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "1" if value else "0"
    if value.__class__ is int:
        return str(value)
    if value.__class__ is date:
        value = value.isoformat()
    if value.__class__ is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _sqlite_insert(
    columns: list, column_names=MEMBER_COLUMNS, table: str = "register_member"
) -> tuple[str, list[tuple]]:
    """The INSERT for one batch (given column by column), binding only the columns whose
    value varies in it."""
    count = len(columns[0])
    names, values, varying = [], [], []
    for name, column in zip(column_names, columns, strict=True):
        literal = (
            _sqlite_literal(column[0])
            if column.__class__ is not range and column.count(column[0]) == count
            else None
        )
        names.append(name)
        if literal is None:
            values.append("?")
            varying.append(column)
        else:
            values.append(literal)
    sql = f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)}"
    return sql, list(zip(*varying, strict=True)) if varying else [()] * count
