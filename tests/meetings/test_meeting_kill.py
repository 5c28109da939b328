"""Nothing acknowledged is lost: a voting process killed with SIGKILL at a random moment (with
mixing every few votes, so kills land in casts and in mixes) leaves every acknowledged vote
counted exactly once at the declaration, and no vote counted that was not cast."""

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import worker_db
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)
WORKER = Path(__file__).with_name("kill_worker.py")
VOTERS, BATCH = 80, 5


def _database_url(tmp_path) -> str:
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{tmp_path / 'kill.sqlite3'}"


def _run(env, *args, stdin=None):
    done = subprocess.run(
        [sys.executable, str(WORKER), *args], env=env, input=stdin, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_killed_voting_process_loses_no_acknowledged_vote(tmp_path):
    env = {**os.environ, "DATABASE_URL": _database_url(tmp_path)}
    env["MUTUALISE_AUDIT_THROWAWAY_KEY"] = "1"
    if connection.vendor != "postgresql":  # a copy of the suite's migrated SQLite template
        worker_db.migrated_sqlite(tmp_path / "kill.sqlite3")
    poll = _run(env, "prepare", str(VOTERS), str(BATCH))
    acknowledged: list[str] = []
    rounds = 0
    members = poll["members"]
    while len(acknowledged) < VOTERS // 2 and rounds < 6:
        rounds += 1
        worker = subprocess.Popen(
            [sys.executable, str(WORKER), "cast", str(poll["resolution"]), json.dumps(members)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        stop_after = len(acknowledged) + random.randint(3, 12)
        for line in worker.stdout:
            if line.startswith("ack "):
                acknowledged.append(line.split()[1])
            if len(acknowledged) >= stop_after:
                break
        os.kill(worker.pid, signal.SIGKILL)  # mid-cast or mid-mix: whatever it was doing
        worker.wait()
        worker.stdout.close()
        worker.stderr.close()
    assert len(acknowledged) >= 10
    result = _run(env, "declare", str(poll["resolution"]), stdin=json.dumps(acknowledged))
    assert all(result["counted"]), "an acknowledged vote is missing from the count"
    # A vote cast but killed before its acknowledgement was read may be counted too: but every
    # "has voted" record has exactly one ballot, and nothing is left sealed.
    assert len(acknowledged) <= result["for"] == result["ballots"] == result["records"]
    assert result["sealed"] == 0 and rounds > 1
