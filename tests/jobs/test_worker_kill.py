"""The real worker process, killed with SIGKILL in the middle of an import, then restarted:
the import is then finished exactly once (retried) or failed cleanly with nothing written.

Each test builds its own install (a fresh SQLite file, or a fresh PostgreSQL database beside
the test database) and drives it only through processes: `mutualise manage migrate`, the
helper `install.py`, and `mutualise worker`, as an operator's machine would.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
import worker_db

HERE = Path(__file__).resolve().parent
# Large enough that the import checks in a second process (register/checkproc.MIN_ROWS), as a
# real large import does; the pause point is a third of the way in.
ROWS = 30_000
PAUSE_AT = 10_000


@pytest.fixture
def install(tmp_path):
    """Environment for a throwaway install on the database the suite runs on."""
    # The development settings: the only ones that honour the test's pause point.
    settings = {"DJANGO_SETTINGS_MODULE": "mutualise.web.settings_dev"}
    with worker_db.install(tmp_path, "worker_kill", **settings) as env:
        yield env


_run, _worker = worker_db.run, worker_db.worker


def _state(env) -> dict:
    return json.loads(_run(env, str(HERE / "install.py"), "state"))


def _kill_mid_import(env, job_id: int) -> tuple[dict, dict, dict]:
    """Start the worker with the test-only pause point (jobs/testing.py, honoured by
    settings_dev alone): its first run of the import stops once PAUSE_AT rows are checked and
    handed to the writer, inside the import's transaction. Look at the install while it
    waits there, then SIGKILL the worker. Returns (the pause marker, the install while paused,
    the install after the kill)."""
    marker = Path(env["MUTUALISE_VAR_DIR"]) / f"job-{job_id}-paused.json"
    worker = _worker({**env, "MUTUALISE_TEST_PAUSE_JOB": f"register.import:{PAUSE_AT}"})
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, f"the import never got going: {_state(env)}"
            time.sleep(0.2)
        paused = json.loads(marker.read_text())
        during = _state(env)
        children = _children(worker.pid)  # the import's checking process, on a large file
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()  # reaped, as the worker's supervisor would
        worker.stdout.close()
    time.sleep(1)
    # No orphan goes on holding the worker's database socket and its open transaction.
    assert [pid for pid in children if _alive(pid)] == []
    return paused, during, _state(env)


def _assert_killed_mid_way(paused: dict, during: dict, killed: dict) -> None:
    # Demonstrably mid-way: part of the file checked and passed to the writer. PostgreSQL:
    # inside the import's transaction, with a write lock on the member table (the COPY).
    # SQLite: outside any transaction, with rows committed to the holding table and the
    # database's one write lock free for others (register/holding.py).
    assert 0 < paused["done"] < paused["total"] == ROWS, paused
    assert during["job"][0] == "running", during
    if during["vendor"] == "postgresql":
        assert paused["in_transaction"] and during["writer_busy"], (paused, during)
    else:
        assert not paused["in_transaction"] and not during["writer_busy"], (paused, during)
        assert during["held"][0] == 1 and during["held"][1] > 0, during
    assert during["members"] == during["batches"] == 0, during  # nothing committed yet
    # The progress record any web worker reads says so too (jobs/progress.py).
    assert 0 < during["job"][2] < during["job"][3] == ROWS, during
    # Killed: nothing of the import is on the register, and the upload is still marked running.
    assert killed["members"] == killed["periods"] == killed["batches"] == 0, killed
    assert killed["job"][0] == "running" and killed["pending"][0] == "running", killed
    assert not killed["writer_busy"], killed  # the kill released the transaction


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _restart(env) -> str:
    worker = _worker(env, "--batch")
    out, _ = worker.communicate(timeout=600)
    assert worker.returncode == 0, out
    return out


def test_an_import_killed_mid_way_is_retried_and_finished_exactly_once(install):
    ids = json.loads(_run(install, str(HERE / "install.py"), "setup", str(ROWS), "2"))
    _assert_killed_mid_way(*_kill_mid_import(install, ids["job"]))
    log = _restart(install)
    assert f"job {ids['job']} left by a lost worker: queued again" in log
    after = _state(install)
    assert after["job"][:2] == ["done", 2], after
    assert after["task"] == ["SUCCESSFUL"]
    assert after["members"] == after["periods"] == ROWS and after["numbers_contiguous"]
    assert after["batches"] == 1
    assert after["pending"][:2] == ["done", 0]  # the file, personal data, is gone
    assert after["held"] == [0, 0]  # what the killed attempt held is gone
    _restart(install)  # once more: nothing is run again
    assert _state(install)["members"] == ROWS


def test_an_import_killed_on_its_last_attempt_fails_cleanly(install):
    ids = json.loads(_run(install, str(HERE / "install.py"), "setup", str(ROWS), "1"))
    _assert_killed_mid_way(*_kill_mid_import(install, ids["job"]))
    log = _restart(install)
    assert f"job {ids['job']} left by a lost worker: failed" in log
    after = _state(install)
    assert after["job"][0] == "failed" and "interrupted" in after["job"][4]
    assert after["task"] == ["FAILED"]
    assert after["pending"][0] == "failed"  # no longer running: erasure reaches it again
    assert after["members"] == after["periods"] == after["batches"] == 0
    assert after["held"] == [0, 0]  # what the killed attempt held is gone
