"""A real process paying a round of withdrawals, killed with SIGKILL mid-round (once half the
requests are paid, and again once the round's audit event is written, just before the commit;
and once at a random moment): nothing is half-paid. The round is paid in full, once, or not at
all; a rerun pays it exactly once and never past the year's allowance.

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

HELPER = str(Path(__file__).resolve().with_name("withdrawal_kill_install.py"))
MEMBERS = 100


@pytest.fixture
def install(tmp_path):
    with worker_db.install(tmp_path, "withdrawal_kill", KILL_AFTER=str(MEMBERS // 2)) as env:
        worker_db.run(env, HELPER, "setup", str(MEMBERS))
        yield env


def _state(env) -> dict:
    return json.loads(worker_db.run(env, HELPER, "state").splitlines()[-1])


def _kill_when(env, pause: str, after_seconds: float | None = None) -> bool:
    """Start a round; SIGKILL it once it says it paused there (or `after_seconds` after it
    starts). Whether it was killed before it finished."""
    payer = subprocess.Popen(
        [sys.executable, HELPER, "pay", pause], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wanted = "paying" if after_seconds is not None else "paused"
        for line in payer.stdout:
            if line.strip() == wanted:
                break
        else:
            pytest.fail(f"the round never got to {wanted!r}: {payer.stderr.read()[-3000:]}")
        if after_seconds is not None:
            time.sleep(after_seconds)
        finished = payer.poll() is not None
    finally:
        payer.send_signal(signal.SIGKILL)
        payer.wait()
        payer.stdout.close()
        payer.stderr.close()
    return not finished


def _assert_all_or_nothing(state: dict, allowance: int, *, paid: bool) -> None:
    assert state["ledger_problems"] == 0, state
    assert state["balances"] == state["allotted"] - state["withdrawn"][1], state
    assert state["paid_on_requests"] == state["withdrawn"][1], state  # requests match ledger
    if not paid:
        assert state["withdrawn"] == [0, 0] and state["events"] == 0, state
        return
    # Paid once, the whole allowance shared among every request, none past it.
    assert state["withdrawn"] == [MEMBERS, allowance] and state["events"] == 1, state
    assert state["asked"] > allowance


def test_a_payment_round_killed_midway_is_all_or_nothing_and_pays_once_on_rerun(install):
    before = _state(install)
    allowance = before["allowance"]
    assert allowance == MEMBERS * 10_000  # 10% of GBP 1,000 each
    _assert_all_or_nothing(before, allowance, paid=False)
    for pause in ("half", "audited"):
        assert _kill_when(install, pause)  # killed inside the transaction, not after it
        _assert_all_or_nothing(_state(install), allowance, paid=False)
    _kill_when(install, "", after_seconds=random.uniform(0.0, 3.0))
    killed = _state(install)
    _assert_all_or_nothing(killed, allowance, paid=bool(killed["events"]))
    worker_db.run(install, HELPER, "pay")
    after = _state(install)
    _assert_all_or_nothing(after, allowance, paid=True)
    worker_db.run(install, HELPER, "pay")  # a second round the same day: the year is spent
    assert _state(install)["withdrawn"] == after["withdrawn"]
