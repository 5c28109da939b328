"""Drives a separate mutualise install for the worker tests (run as a script, in its own
process and database): `install.py setup ROWS MAX_ATTEMPTS` and `install.py state`."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def setup(rows: int, max_attempts: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # for benchmarks/
    from benchmarks.bench_register import make_file
    from mutualise.constitution import model_path
    from mutualise.jobs.models import Job
    from mutualise.register import services

    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    text = text.replace("membership:\n", "membership:\n  admission_by_board: false\n", 1)
    org = services.create_organisation(
        name="Kill FT", constitution_text=text, source_name="ft.yaml", slug="kill-ft"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "members.csv"
        make_file(path, rows)
        pending = services.upload_import(org, path.read_bytes(), "members.csv")
    job = services.queue_import(pending, actor="secretary")
    Job.objects.filter(pk=job.pk).update(max_attempts=max_attempts)
    return {"pending": pending.pk, "job": job.pk}


def _writer_busy(connection) -> bool:
    """Another process is writing to the database in an open transaction: on SQLite it holds
    the one write lock; on PostgreSQL a backend other than ours holds a write lock on the
    member table (taken by the import's COPY)."""
    if connection.vendor == "sqlite":
        import sqlite3

        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            return "locked" in str(exc)
        finally:
            probe.close()
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = 'register_member'::regclass"
            " AND mode = 'RowExclusiveLock' AND granted AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def state() -> dict:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from mutualise.jobs.models import Job
    from mutualise.jobs.services import live
    from mutualise.register.models import (
        ImportBatch,
        ImportHolding,
        ImportHoldingRow,
        Member,
        MembershipPeriod,
        PendingImport,
    )
    from mutualise.register.tasks import import_members

    job = live(Job.objects.get(kind="register.import"))  # with its reported progress
    pending = PendingImport.objects.get()
    numbers = list(Member.objects.order_by("number").values_list("number", flat=True))
    return {
        "job": [job.state, job.attempts, job.done, job.total, job.error],
        "task": list(
            DBTaskResult.objects.filter(task_path=import_members.module_path).values_list(
                "status", flat=True
            )
        ),
        "pending": [pending.state, len(bytes(pending.content or b"")), pending.error],
        "members": len(numbers),
        "numbers_contiguous": numbers == list(range(1, len(numbers) + 1)),
        "periods": MembershipPeriod.objects.count(),
        "batches": ImportBatch.objects.count(),
        # SQLite's import holds its checked rows here until its final step (register/holding.py).
        "held": [ImportHolding.objects.count(), ImportHoldingRow.objects.count()],
        "writer_busy": _writer_busy(connection),
        "vendor": connection.vendor,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings")
    import django

    django.setup()
    if sys.argv[1] == "setup":
        print(json.dumps(setup(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(state()))
