"""The demo (twelve organisations whose sign-ins share one published password, and a superuser)
loads on demo installs only: the production settings refuse it outright, from the CLI and from
`demo.load()`, before a table is touched, whatever the environment says."""

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from mutualise import demo
from mutualise.register.models import Organisation

SRC = Path(__file__).resolve().parent.parent.parent / "src"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed",
    [{"MUTUALISE_DEMO": False}, {"SETTINGS_MODULE": "mutualise.web.settings"}],
    ids=["not-a-demo-install", "production-settings-module"],
)
def test_loading_is_refused_outside_demo_installs(changed):
    with override_settings(**changed):
        assert not demo.allowed()
        with pytest.raises(demo.DemoRefused, match="demo installs only"):
            demo.load()
        with pytest.raises(demo.DemoRefused):
            demo.current_code(demo.ADMIN_USER)
    assert not Organisation.objects.exists()
    assert not get_user_model().objects.exists()


def test_the_cli_refuses_the_demo_under_production_settings(tmp_path):
    """`mutualise demo --no-serve` with the production settings (and every variable a hopeful
    operator might set) says why and stops: no demo superuser, not even a migrated database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUTUALISE_")}
    env.pop("DATABASE_URL", None)
    env.update(  # the production environment README.md documents (test_settings_fail_safe.py)
        MUTUALISE_SECRET_KEY=secrets.token_urlsafe(50),
        MUTUALISE_CREDENTIAL_KEY=secrets.token_urlsafe(50),
        MUTUALISE_AUDIT_KEY=secrets.token_urlsafe(50),
        MUTUALISE_ALLOWED_HOSTS="members.example.org",
        PYTHONPATH=str(SRC),
        DJANGO_SETTINGS_MODULE="mutualise.web.settings",
        MUTUALISE_VAR_DIR=str(tmp_path),
        MUTUALISE_DEMO="1",
        MUTUALISE_DEMO_CLOCK="1",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mutualise.cli", "demo", "--no-serve"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "demo installs only" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert demo.PASSWORD not in done.stdout
    database = tmp_path / "mutualise.sqlite3"
    if database.exists():
        with sqlite3.connect(database) as db:
            tables = {row[0] for row in db.execute("select name from sqlite_master")}
        assert "auth_user" not in tables, "the production database was migrated for the demo"
