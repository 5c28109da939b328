"""Queue and mail benchmarks (issue 14): 10,000 no-op tasks through django-tasks' database
backend and the real worker (`mutualise worker --batch`'s loop, in process), tasks/s on SQLite
and PostgreSQL; 100,000 credential e-mails (the voting-code template, the code as the message's
secret) rendered into the outbox, then handed by the outbox's delivery to a local SMTP server
(aiosmtpd in its own process, discarding what it is sent), messages/s.

Each database runs in a child process on a throwaway database: a temporary SQLite file, and
MUTUALISE_BENCH_TASKS_DATABASE (default `mutualise_bench_tasks`) on the PostgreSQL server named
by MUTUALISE_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432), skipped with a message
if unreachable. MUTUALISE_BENCH_TASKS and MUTUALISE_BENCH_MAILS change the sizes;
MUTUALISE_BENCH_ONLY=sqlite (or postgresql) runs one database.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TASKS = int(os.environ.get("MUTUALISE_BENCH_TASKS", "10000"))
MAILS = int(os.environ.get("MUTUALISE_BENCH_MAILS", "100000"))
POSTGRES = os.environ.get("MUTUALISE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("MUTUALISE_BENCH_TASKS_DATABASE", "mutualise_bench_tasks")
ONLY = os.environ.get("MUTUALISE_BENCH_ONLY", "")
REPO = Path(__file__).resolve().parent.parent
RECORD_CHUNK = 1000  # messages recorded per transaction, as the codes-by-email job does


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _smtp_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the local SMTP server did not start")


def _setup(database_url: str, port: int) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        MUTUALISE_EMAIL_URL=f"smtp://127.0.0.1:{port}?timeout=30",
        MUTUALISE_EMAIL_RATE="0",
        MUTUALISE_EMAIL_BATCH="200",
        MUTUALISE_LOG_LEVEL="ERROR",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings_dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _queue(figures: dict) -> None:
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from benchmarks.tasks_noop import noop
    from mutualise.jobs.worker import run_worker

    run_worker(interval=0, batch=True)  # first the day's scheduled work, which is not timed
    started = time.perf_counter()
    for chunk in range(0, TASKS, 1000):
        with transaction.atomic():
            for n in range(chunk, min(chunk + 1000, TASKS)):
                noop.enqueue(n)
    figures["enqueue_s"] = time.perf_counter() - started
    started = time.perf_counter()
    run_worker(interval=0, batch=True)  # the worker's own loop: claim, run, record, repeat
    figures["run_s"] = time.perf_counter() - started
    done = DBTaskResult.objects.filter(status="SUCCESSFUL", task_path=noop.module_path).count()
    assert done == TASKS, f"{done} of {TASKS} tasks succeeded"


def _mail(figures: dict) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from mutualise.mail import delivery
    from mutualise.mail import services as mail
    from mutualise.mail.models import Message, Status
    from mutualise.register import services as register

    org = register.create_from_model(
        model="supporters-trust", name="Bench Trust", slug="bench", actor="bench"
    )
    election = {"title": "Board election 2026"}
    close = datetime(2026, 12, 9, 17, 0, tzinfo=ZoneInfo("Europe/London"))
    started = time.perf_counter()
    for chunk in range(0, MAILS, RECORD_CHUNK):
        with transaction.atomic():
            for n in range(chunk, min(chunk + RECORD_CHUNK, MAILS)):
                mail.send(
                    organisation=org,
                    to=f"voter{n}@example.org",
                    template="elections/voting_code",
                    context={"name": f"Voter {n}", "election": election, "close": close,
                             "vote_url": "https://members.example/o/bench/elections/1/vote/"},
                    secrets={"code": f"ABCD-EFGH-{n:06d}"},
                    reason="voting-code",
                )  # fmt: skip
    figures["record_s"] = time.perf_counter() - started
    started = time.perf_counter()
    while delivery.deliver(run_seconds=3600).due:
        pass
    figures["deliver_s"] = time.perf_counter() - started
    sent = Message.objects.filter(status=Status.SENT).count()
    assert sent == MAILS, f"{sent} of {MAILS} messages sent"


def child(database_url: str) -> None:
    port = _free_port()
    server = _smtp_server(port)
    try:
        _setup(database_url, port)
        figures: dict = {}
        _queue(figures)
        _mail(figures)
    finally:
        server.kill()
        server.wait()
    print(json.dumps(figures))


def _run_child(name: str, database_url: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_tasks", "--child", database_url],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    if completed.returncode != 0:
        print(f"{name}: FAILED\n{completed.stderr[-3000:]}")
        return
    f = json.loads(completed.stdout.strip().splitlines()[-1])
    print(
        f"{name}: {TASKS:,} no-op tasks: enqueued {TASKS / f['enqueue_s']:,.0f}/s, "
        f"run by the worker {TASKS / f['run_s']:,.0f} tasks/s ({f['run_s']:.1f} s)"
    )
    total = f["record_s"] + f["deliver_s"]
    print(
        f"{name}: {MAILS:,} credential e-mails: rendered into the outbox "
        f"{MAILS / f['record_s']:,.0f}/s, handed to the local SMTP server "
        f"{MAILS / f['deliver_s']:,.0f} messages/s; end to end {MAILS / total:,.0f} messages/s "
        f"({total:.1f} s)"
    )


def _postgres_database() -> str | None:
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    except Exception as exc:  # no server: say so, keep the SQLite figures
        print(f"postgresql: skipped ({exc})")
        return None
    return f"{POSTGRES}/{DATABASE}"


def main() -> None:
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        if ONLY in ("", "sqlite"):
            _run_child("sqlite", f"sqlite:///{tmp}/bench.sqlite3")
    database = _postgres_database() if ONLY in ("", "postgresql") else None
    if database:
        _run_child("postgresql", database)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
