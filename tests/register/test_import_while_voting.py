"""Issue 11 item 6: on SQLite a large import must not hold the database's only write lock for
its whole length, so a voter casting during an import is not kept waiting (or, past the busy
timeout, refused with 'database is locked').

Real processes on a file SQLite database (an in-memory one cannot be shared): one imports
20,000 rows while another casts votes in an open election. Today the import writes in one
transaction, so a cast waits for all of its writing (measured: 4.8 s for a 5.7 s import of
20,000 rows, load average 19; no 'database is locked' only because the 20 s busy timeout is
longer than the import). Marked xfail (not strict: on a quiet machine the import may finish within the limit) until the import is written in short committed
chunks through a holding table and applied in one short final step (not built yet).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
ROWS = 20_000
VOTERS = 40
LONGEST_CAST_S = 2.0  # a cast may wait for one short chunk, never for the whole import


def _env(tmp_path):
    return {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "MUTUALISE_VAR_DIR": str(tmp_path),
        "MUTUALISE_AUDIT_KEY": "import-while-voting-" + "k" * 32,
        "DJANGO_SETTINGS_MODULE": "mutualise.web.settings_dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'install.sqlite3'}",
    }


def _child(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(HERE / "import_while_voting.py"), *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _result(child: subprocess.Popen) -> dict:
    out, err = child.communicate(timeout=600)
    assert child.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.xfail(
    strict=False,  # on a quiet machine the import can end inside the 2 s: the wait is timing
    reason="issue 11 item 6: the import holds SQLite's write lock for its whole length",
)
def test_votes_cast_during_a_large_sqlite_import_are_not_kept_waiting(tmp_path):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("SQLite's single write lock: runs in make test's SQLite pass")
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "mutualise.cli", "manage", "migrate", "--noinput"],
        env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    out = str(tmp_path / "setup.json")
    setup = _child(env, "setup", str(ROWS), str(VOTERS), out)
    out_text, err = setup.communicate(timeout=600)
    assert setup.returncode == 0, err[-3000:]
    importer = _child(env, "import", out)
    time.sleep(1.0)  # the import is reading and checking; the casts run through its writing
    caster = _child(env, "cast", out)
    cast, imported = _result(caster), _result(importer)
    assert imported["created"] == ROWS, imported  # the import is complete
    assert not [e for e in cast["errors"] if "locked" in e], cast["errors"]
    assert cast["cast"] == VOTERS, cast
    assert cast["longest"] < LONGEST_CAST_S, (cast, imported)
