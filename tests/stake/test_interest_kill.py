"""A real process posting a year's interest for a few thousand members, killed with SIGKILL mid-
posting (once every part is credited, and again once the run's audit event is written, just
before the commit; and once at a random moment): nothing is half-written. The run is either
posted in full, once, or not at all, and posting it again afterwards credits it exactly once.

Each test builds its own install (worker_db: a fresh SQLite file, or a fresh PostgreSQL
database beside the test database) and drives it only through processes."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import worker_db

HELPER = str(Path(__file__).resolve().with_name("interest_kill_install.py"))
MEMBERS = 3_000


@pytest.fixture
def install(tmp_path):
    with worker_db.install(tmp_path, "interest_kill") as env:
        worker_db.run(env, HELPER, "setup", str(MEMBERS))
        yield env


def _state(env) -> dict:
    return json.loads(worker_db.run(env, HELPER, "state").splitlines()[-1])


def _post(env, pause: str = "") -> dict:
    return json.loads(worker_db.run(env, HELPER, "post", pause).splitlines()[-1])


def _kill_when(env, pause: str, after_seconds: float | None = None) -> bool:
    """Start a posting; SIGKILL it once it says it paused there (or after `after_seconds` of
    posting). Whether it was killed before it finished."""
    poster = subprocess.Popen(
        [sys.executable, HELPER, "post", pause], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wanted = "posting" if after_seconds is not None else "paused"
        for line in poster.stdout:
            if line.strip() == wanted:
                break
        else:
            pytest.fail(f"the posting never got to {wanted!r}: {poster.stderr.read()[-3000:]}")
        if after_seconds is not None:
            time.sleep(after_seconds)
        finished = poster.poll() is not None
    finally:
        poster.send_signal(signal.SIGKILL)
        poster.wait()
        poster.stdout.close()
        poster.stderr.close()
    return not finished


def _assert_all_or_nothing(state: dict, expected: dict, *, posted: bool) -> None:
    """Nothing of the run, or all of it once: its total the one previewed before any posting,
    every part credited or recorded as paid out, summing to the total, and one audit event
    whose digest the ledger reproduces."""
    assert state["ledger_problems"] == 0, state
    assert state["balances"] == state["allotted"] + state["credited"][1], state
    if not posted:
        assert state["runs"] == [] and state["events"] == 0, state
        assert state["credited"] == [0, 0] and state["paid_out"] == [0, 0], state
        return
    ((_, total),) = state["runs"]
    assert total == expected["expected_total"] > 0 and state["events"] == 1, state
    assert state["credited"][0] + state["paid_out"][0] == expected["expected_parts"], state
    assert state["credited"][1] + state["paid_out"][1] == total, state
    assert state["digest_matches"] == [True], state


def test_interest_killed_mid_posting_is_all_or_nothing_and_posts_once_on_rerun(install):
    before = _state(install)
    _assert_all_or_nothing(before, before, posted=False)
    assert before["expected_parts"] == MEMBERS
    for pause in ("credited", "audited"):
        assert _kill_when(install, pause)  # killed inside the transaction, not after it
        _assert_all_or_nothing(_state(install), before, posted=False)
    # A kill at a random moment of a posting: before, during or after the commit.
    _kill_when(install, "", after_seconds=random.uniform(0.0, 1.5))
    killed = _state(install)
    posted = bool(killed["runs"])
    _assert_all_or_nothing(killed, before, posted=posted)
    rerun = _post(install)
    assert ("refused" in rerun) == posted, rerun
    after = _state(install)
    _assert_all_or_nothing(after, before, posted=True)
    assert after["credited"][0] == MEMBERS  # no one near the maximum: every part credited
    assert "already been posted" in _post(install)["refused"]  # and never twice
    assert _state(install)["credited"] == after["credited"]
