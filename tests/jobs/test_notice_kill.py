"""A meeting's notice sent by the real worker process, killed with SIGKILL half way through
recording it, then restarted: every member entitled to notice gets it exactly once, through a
real SMTP server (aiosmtpd), and the letters for members by post are the job's sealed file.

One install (worker_db) and one SMTP server for the whole test, driven only through processes:
the notice job records its messages in one transaction with its end (meetings/tasks.py)."""

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
ROWS = 600
PAUSE_AT = 200  # of about 400 members with an email address


@pytest.fixture
def install(tmp_path):
    settings = {  # the development settings: the only ones that honour the pause point
        "DJANGO_SETTINGS_MODULE": "mutualise.web.settings_dev",
        "MUTUALISE_EMAIL_RATE": "0",
    }
    with worker_db.install(tmp_path, "notice_kill", **settings) as env:
        yield env


def _state(env) -> dict:
    return json.loads(worker_db.run(env, str(HERE / "notice_install.py"), "state"))


def test_a_notice_killed_half_way_reaches_every_member_exactly_once(install):
    server = Server().start()
    try:
        env = {**install, "MUTUALISE_EMAIL_URL": server.url}
        ids = json.loads(worker_db.run(env, str(HERE / "notice_install.py"), "setup", str(ROWS)))
        marker = Path(env["MUTUALISE_VAR_DIR"]) / f"job-{ids['job']}-paused.json"
        worker = worker_db.worker(
            {**env, "MUTUALISE_TEST_PAUSE_JOB": f"meetings.notice:{PAUSE_AT}"}
        )
        try:
            deadline = time.monotonic() + 120
            while not marker.exists():
                assert worker.poll() is None, worker.stdout.read()
                assert time.monotonic() < deadline, f"the notice never got going: {_state(env)}"
                time.sleep(0.1)
            paused = json.loads(marker.read_text())
            during = _state(env)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            worker.stdout.close()
        # Killed half way, inside the job's transaction: nothing recorded, nothing sent.
        assert paused["done"] == PAUSE_AT and paused["in_transaction"], paused
        assert during["job"][0] == "running" and during["job"][2] == PAUSE_AT, during
        assert during["per_address"] == {} and server.handler.received == []

        log = worker_db.finish(worker_db.worker(env, "--batch"))
        assert f"job {ids['job']} left by a lost worker: queued again" in log
        after = _state(env)
    finally:
        server.stop()
    assert after["job"][:2] == ["done", 2] and after["task"] == ["SUCCESSFUL"], after
    per_address = after["per_address"]
    assert set(per_address.values()) == {1}  # one message per member, not one per attempt
    assert 0.6 * after["members"] < len(per_address) <= after["with_email"], after
    assert after["by_status"] == {"sent": len(per_address)}
    received = Counter(r.rcpt_tos[0] for r in server.handler.received)
    assert received == Counter(dict.fromkeys(per_address, 1))  # each member's, exactly once
    assert after["letters"] == after["members"] - len(per_address) > 0
    assert after["letters_sealed"] and not after["letters_plain"]
