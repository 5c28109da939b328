"""Checking a large import in a second process while this one writes.

Python runs one thread at a time, so a checker thread and a writer thread take turns: on
SQLite (written inside this process) checking and writing add up. A forked child checks the
rows and passes each batch of good rows back through a pipe, column by column, while this
process writes the previous batch: the two cores work at once.

The child gets everything it needs by fork (the file's bytes, the rulebook, the register's
keys, all read before it starts), never touches the database connection it inherits, and
leaves with `os._exit`, so nothing of the parent's is closed or flushed twice. It is used
only where fork is safe: on POSIX, with no other threads running (a web request that imports
in a background thread checks in that thread instead).

Only on SQLite. On PostgreSQL the server already writes on the second core while this process
checks; a forked checker there competes with it, and `make bench` measured the import slower
with it than without (by 10-35% on 1,000,000 rows), so it is not used there.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable

from django.db import connection

from .importing import COLUMNS, CheckResult, check_rows

BATCH = 5000
# Dates go through the pipe as ISO text: cheaper to pass, and both databases take the text
# (binding a date object calls a Python adapter per value, in the writing process).
DATE_COLUMNS = [COLUMNS.index(name) for name in
                ("date_of_birth", "employment_start", "employment_end", "last_service_use",
                 "admitted_on")]  # fmt: skip
# Below this a second process saves less than it costs to start.
MIN_ROWS = 20_000


def usable(expected_rows: int) -> bool:
    return (
        expected_rows >= MIN_ROWS
        and connection.vendor == "sqlite"
        and os.name == "posix"
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


class CheckerFailed(RuntimeError):
    """The checking process stopped without a result."""


class CheckerProcess:
    """`importing.check_rows` in a child process, started before any other thread (the
    writer's) exists. Use as a context manager; `collect` hands each batch of good rows to
    `on_columns` as columns (in COLUMNS order) and returns the CheckResult."""

    def __init__(self, table, mapping: dict[str, str], constitution, register, on, *, report):
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.child = context.Process(
            target=_check_and_send,
            args=(
                os.getpid(),
                sender,
                self.receiver,
                table,
                mapping,
                constitution,
                register,
                on,
                report,
            ),
            name="member-import-checker",
            daemon=True,
        )
        self.child.start()
        sender.close()

    def __enter__(self) -> CheckerProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.receiver.close()
        if self.child.is_alive():
            self.child.terminate()
        self.child.join()

    def collect(
        self,
        on_columns: Callable[[list[tuple]], None],
        progress: Callable[[int], None] | None = None,
    ) -> CheckResult:
        while True:
            try:
                kind, payload = self.receiver.recv()
            except EOFError:
                self.child.join(5)
                raise CheckerFailed(
                    f"the checking process stopped (exit code {self.child.exitcode}) before"
                    " it finished; nothing was kept"
                ) from None
            if kind == "columns":
                on_columns(payload)
            elif kind == "progress":
                if progress is not None:
                    progress(payload)
            elif kind == "error":
                raise payload
            else:
                return payload


def _as_columns(rows: list[tuple]) -> list[tuple]:
    columns = list(zip(*rows, strict=True))
    for i in DATE_COLUMNS:
        if any(columns[i]):
            columns[i] = tuple([None if day is None else day.isoformat() for day in columns[i]])
    return columns


def _die_with_parent(parent: int) -> None:
    """Linux: a parent killed outright (kill -9) takes this child with it, so no orphan goes
    on holding the inherited database socket (and with it the parent's open transaction)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _check_and_send(
    parent, sender, receiver, table, mapping, constitution, register, on, report: bool
) -> None:
    # The parent's end of the pipe came with the fork: closed, so that if the parent dies the
    # next send fails at once instead of filling a pipe nobody reads.
    receiver.close()
    _die_with_parent(parent)
    buffer: list[tuple] = []

    def ready(row: tuple) -> None:
        buffer.append(row)
        if len(buffer) >= BATCH:
            sender.send(("columns", _as_columns(buffer)))
            buffer.clear()

    try:
        result = check_rows(
            table,
            mapping,
            constitution,
            register,
            on,
            on_ready=ready,
            keep_preview=False,
            progress=(lambda done: sender.send(("progress", done))) if report else None,
        )
        if buffer:
            sender.send(("columns", _as_columns(buffer)))
        sender.send(("done", result))
    except BaseException as exc:  # handed to the parent, which raises it
        try:
            sender.send(("error", exc))
        except Exception:  # an exception that cannot be pickled: its text will do
            sender.send(("error", CheckerFailed(f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()
