"""The outbox worked by real `mutualise worker` processes against a real SMTP server (aiosmtpd in
this process): two workers at once send every message exactly once; a worker killed with
SIGKILL mid-batch and started again sends no message twice and the rest once.

Each test builds its own install (a fresh SQLite file, or a fresh PostgreSQL database beside the
test database), driven only through processes, as an operator's machine would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import dj_database_url
import pytest
from mail_server import Server

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"


@pytest.fixture
def install(tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "MUTUALISE_VAR_DIR": str(tmp_path),
        "MUTUALISE_AUDIT_KEY": "outbox-worker-test-" + "k" * 32,
        "MUTUALISE_EMAIL_RATE": "0",
        "MUTUALISE_EMAIL_BATCH": "10",
    }
    url = os.environ.get("DATABASE_URL", "")
    dropped = None
    if url.startswith("postgres"):
        import psycopg

        config = dj_database_url.parse(url)
        name = f"{config['NAME']}_outbox_workers"
        admin = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
        dropped = (admin, name)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'install.sqlite3'}"
    _run(env, "-m", "mutualise.cli", "manage", "migrate", "--noinput")
    yield env
    if dropped:
        import psycopg

        admin, name = dropped
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def slow_server():
    server = Server().start()
    server.handler.delay = 0.02  # 50 messages a second: long enough to overlap and to kill
    yield server
    server.stop()


def _run(env, *args, timeout=300) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _state(env) -> dict:
    return json.loads(_run(env, str(HERE / "outbox_install.py"), "state"))


def _worker(env, *extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mutualise.cli", "worker", "--interval", "0.2", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(worker: subprocess.Popen, timeout: float = 300) -> str:
    out, _ = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, out[-3000:]
    return out


def _received(server) -> Counter:
    return Counter(r.rcpt_tos[0] for r in server.handler.received)


def test_two_workers_send_every_message_exactly_once(install, slow_server):
    env = {**install, "MUTUALISE_EMAIL_URL": slow_server.url}
    _run(env, str(HERE / "outbox_install.py"), "setup", "400", "2")
    workers = [_worker(env, "--batch"), _worker(env, "--batch")]
    for worker in workers:
        _finish(worker)
    received = _received(slow_server)
    assert len(received) == 400 and set(received.values()) == {1}
    state = _state(env)
    assert state["by_status"] == {"sent": 400}
    processes = {sender.rsplit(":", 1)[0] for sender in state["senders"]}  # host:pid:run
    assert len(processes) == 2  # both workers sent, neither sent what the other did
    codes = {r.part("plain").split("    ")[1].split()[0] for r in slow_server.handler.received}
    assert len(codes) == 400  # each message carried its own secret


def test_a_killed_worker_sends_nothing_twice_when_started_again(install, slow_server):
    env = {**install, "MUTUALISE_EMAIL_URL": slow_server.url}
    _run(env, str(HERE / "outbox_install.py"), "setup", "300", "1")
    worker = _worker(env)
    deadline = time.monotonic() + 120
    while len(slow_server.handler.received) < 65:  # half way through its seventh batch
        assert worker.poll() is None and time.monotonic() < deadline, worker.stdout.read()
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    worker.stdout.close()
    killed = _state(env)
    assert killed["by_status"].get("sending", 0) > 0, killed  # it died holding a batch

    _finish(_worker(env, "--batch"))  # started again: settles the lost batch, sends the rest
    received = _received(slow_server)
    assert set(received.values()) == {1}, "a message went out twice"
    state = _state(env)
    # At most one message (the one being handed over when the kill came) is failed as
    # "may have gone out"; every other message was sent exactly once.
    assert len(state["lost"]) <= 1 and state["by_status"].get("failed", 0) == len(state["lost"])
    assert state["by_status"]["sent"] == 300 - len(state["lost"])
    assert len(received) in (299, 300)
    assert all(address not in received or received[address] == 1 for address in state["lost"])
