"""Progress others can see while the work's own transaction is still open.

Long work commits once, at its end (nothing half-written survives a kill), so the progress it
reports on the way must go out some other way. On PostgreSQL a second connection to the same
database writes it (jobs/services.Run). SQLite admits one writer at a time and the work holds
that lock, so its progress goes to a small side database beside the main file
(`<database>-progress`: its own file, its own lock, one row per running job), which any web
worker reads (`live`). The Job row itself gets the numbers when the work commits. An in-memory
SQLite database (the test suite's) has no side file: progress there joins the transaction.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from django.db import connections
from django.utils import timezone

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS progress (job_id INTEGER PRIMARY KEY, done INTEGER NOT NULL,"
    " total INTEGER, updated_at TEXT NOT NULL)"
)


def side_path() -> Path | None:
    database = connections["default"].settings_dict  # the test database's, under test
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(database["NAME"] or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name + "-progress")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(SCHEMA)
    return conn


class SideWriter:
    """The running work's connection to the side database (one per Run)."""

    def __init__(self, path: Path):
        self.conn = _connect(path)

    def write(self, job_id: int, fields: dict) -> None:
        at = (fields.get("updated_at") or timezone.now()).isoformat()
        self.conn.execute(
            "INSERT INTO progress (job_id, done, total, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (job_id) DO UPDATE SET done = excluded.done,"
            " total = coalesce(excluded.total, progress.total), updated_at = excluded.updated_at",
            [job_id, fields.get("done", 0), fields.get("total"), at],
        )

    def forget(self, job_id: int) -> None:
        self.conn.execute("DELETE FROM progress WHERE job_id = ?", [job_id])

    def close(self) -> None:
        self.conn.close()


def live(job):
    """The job with the latest progress its running work has reported (the same object)."""
    if job is None or job.state != "running":
        return job
    path = side_path()
    if path is None or not path.exists():
        return job
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            row = conn.execute(
                "SELECT done, total, updated_at FROM progress WHERE job_id = ?", [job.pk]
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # a look at progress never breaks the page
        return job
    if row is not None:
        job.done = row[0]
        if row[1] is not None:
            job.total = row[1]
        job.updated_at = max(job.updated_at, datetime.fromisoformat(row[2]))
    return job
