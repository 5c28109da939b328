"""A separate install for the tests that drive real worker processes (tests/jobs, tests/mail):
a fresh SQLite file, or a fresh PostgreSQL database beside the suite's own when the suite runs
on PostgreSQL, copied from one migrated (by `mutualise manage migrate`, in a process of its
own) once per test process.

    @pytest.fixture
    def install(tmp_path):
        with worker_db.install(tmp_path, "outbox_workers", MUTUALISE_EMAIL_RATE="0") as env:
            yield env

`env` is the environment for that install's processes: `worker_db.run(env, script, ...)`,
`worker_db.worker(env, "--batch")`, `worker_db.finish(process)`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import dj_database_url

SRC = Path(__file__).resolve().parents[1] / "src"


def _admin(url: str) -> tuple[dict, str]:
    config = dj_database_url.parse(url)
    admin = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"]}
    return admin, config["NAME"]


def _recreate(admin: dict, name: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


# The migrated template, made once per test process and copied for each install: migrating
# in a process of its own takes seconds, copying a file or a PostgreSQL template does not.
_TEMPLATES: dict[str, str] = {}


def _template(env: dict, url: str) -> str:
    """A migrated database to copy: a SQLite file, or a PostgreSQL database's name."""
    if url in _TEMPLATES:
        return _TEMPLATES[url]
    if url.startswith("postgres"):
        admin, base = _admin(url)
        name = f"{base}_worker_template"
        _recreate(admin, name, create=True)
        atexit.register(_recreate, admin, name, create=False)
        target = url.rsplit("/", 1)[0] + f"/{name}"
    else:
        folder = Path(tempfile.mkdtemp(prefix="mutualise-worker-template-"))
        name = str(folder / "template.sqlite3")
        target = f"sqlite:///{name}"
    run({**env, "DATABASE_URL": target}, "-m", "mutualise.cli", "manage", "migrate", "--noinput")
    _TEMPLATES[url] = name
    return name


@contextlib.contextmanager
def install(tmp_path: Path, suffix: str, **extra_env: str) -> Iterator[dict]:
    """The environment of a throwaway, migrated install (see the module's doc); `suffix` names
    its PostgreSQL database (`<the suite's>_<suffix>`), one per test module."""
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "MUTUALISE_VAR_DIR": str(tmp_path),
        "MUTUALISE_AUDIT_KEY": f"{suffix}-test-" + "k" * 32,
        **extra_env,
    }
    url = os.environ.get("DATABASE_URL", "")
    template = _template(env, url)
    dropped = None
    if url.startswith("postgres"):
        import psycopg

        admin, base = _admin(url)
        name = f"{base}_{suffix}"
        _recreate(admin, name, create=False)
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
        dropped = (admin, name)
    else:
        _copy_sqlite(template, tmp_path / "install.sqlite3")
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'install.sqlite3'}"
    try:
        yield env
    finally:
        if dropped:
            _recreate(*dropped, create=False)


def _copy_sqlite(template: str, target: Path) -> None:
    for ending in ("", "-wal"):  # the log too, should the migration have left one
        if Path(template + ending).exists():
            shutil.copyfile(template + ending, f"{target}{ending}")


def migrated_sqlite(target: Path) -> None:
    """A migrated SQLite database at `target` (a copy of the template), for tests that set the
    rest of their install's environment themselves."""
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "MUTUALISE_VAR_DIR": str(target.parent),
        "MUTUALISE_AUDIT_KEY": "migrated-sqlite-test-" + "k" * 32,
    }
    env.pop("DATABASE_URL", None)
    _copy_sqlite(_template(env, ""), target)


def run(env: dict, *args, timeout: float = 300) -> str:
    """Run `python ARGS` in the install; its standard output (it must succeed)."""
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def worker(env: dict, *extra: str) -> subprocess.Popen:
    """A real `mutualise worker` process on the install (output and errors together)."""
    return subprocess.Popen(
        [sys.executable, "-m", "mutualise.cli", "worker", "--interval", "0.2", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen, timeout: float = 300) -> str:
    """Wait for a worker started with --batch to run out of work; its output."""
    out, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, out[-3000:]
    return out
