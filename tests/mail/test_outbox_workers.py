"""The outbox worked by real `mutualise worker` processes against a real SMTP server (aiosmtpd in
this process): two workers at once send every message exactly once; a worker killed with
SIGKILL mid-batch and started again sends no message twice and the rest once.

Each test builds its own install (a fresh SQLite file, or a fresh PostgreSQL database beside the
test database), driven only through processes, as an operator's machine would."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
import worker_db
from mail_server import Server

HERE = Path(__file__).resolve().parent


@pytest.fixture
def install(tmp_path):
    rates = {"MUTUALISE_EMAIL_RATE": "0", "MUTUALISE_EMAIL_BATCH": "10"}
    with worker_db.install(tmp_path, "outbox_workers", **rates) as env:
        yield env


@pytest.fixture
def slow_server():
    server = Server().start()
    server.handler.delay = 0.02  # 50 messages a second: long enough to overlap and to kill
    yield server
    server.stop()


_run, _worker, _finish = worker_db.run, worker_db.worker, worker_db.finish


def _state(env) -> dict:
    return json.loads(_run(env, str(HERE / "outbox_install.py"), "state"))


def _received(server) -> Counter:
    return Counter(r.rcpt_tos[0] for r in server.handler.received)


RATE = 100  # messages a second, for the install: both workers together
MESSAGES = 400


def _busiest_second(times: list[float]) -> int:
    times = sorted(times)
    start, most = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_two_workers_send_every_message_exactly_once_at_the_installs_rate(install):
    """Two workers at once: each message sent once, and the rate is the install's, shared
    through the database (mail/pace.py), not each worker's: two workers together keep to it."""
    server = Server().start()  # a quick server: one worker alone could go faster than RATE
    try:
        env = {**install, "MUTUALISE_EMAIL_URL": server.url, "MUTUALISE_EMAIL_RATE": str(RATE)}
        _run(env, str(HERE / "outbox_install.py"), "setup", str(MESSAGES), "2")
        workers = [_worker(env, "--batch"), _worker(env, "--batch")]
        for worker in workers:
            _finish(worker)
    finally:
        server.stop()
    received = _received(server)
    assert len(received) == MESSAGES and set(received.values()) == {1}
    state = _state(env)
    assert state["by_status"] == {"sent": MESSAGES}
    processes = {sender.rsplit(":", 1)[0] for sender in state["senders"]}  # host:pid:run
    assert len(processes) == 2  # both workers sent, neither sent what the other did
    codes = {r.part("plain").split("    ")[1].split()[0] for r in server.handler.received}
    assert len(codes) == MESSAGES  # each message carried its own secret
    # Together at the install's rate: 400 messages take 4 seconds (each worker at RATE would
    # take 2; unpaced, they take half a second). The busiest second allows for the jitter of
    # a loaded machine between a message's slot and its arrival, not for a second worker.
    times = [r.at for r in server.handler.received]
    assert max(times) - min(times) >= (MESSAGES - 1) / RATE - 0.1
    assert _busiest_second(times) <= RATE * 1.2, _busiest_second(times)


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
