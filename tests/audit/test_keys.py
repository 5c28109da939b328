"""The audit key: the server refuses to start without one (outside debug), a short one is
refused, and the throwaway key of debug and the tests stays under var/, readable by its owner."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mutualise.audit import keys

SRC = Path(__file__).resolve().parents[2] / "src"


def _start_server(tmp_path, **env):
    """Load the WSGI application as gunicorn would, in a clean environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MUTUALISE_")}
    base |= {"PYTHONPATH": str(SRC), "MUTUALISE_VAR_DIR": str(tmp_path), **env}
    # The production settings, with the other keys real, so only the audit key is in question.
    base |= {"DJANGO_SETTINGS_MODULE": "mutualise.web.settings"}
    base |= {f"MUTUALISE_{k}_KEY": "r4nd0m-" + "q7Zx" * 12 for k in ("SECRET", "CREDENTIAL")}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "import mutualise.web.wsgi"],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.pure
def test_server_refuses_to_start_without_the_key(tmp_path):
    run = _start_server(tmp_path, MUTUALISE_DEBUG="0")
    assert run.returncode != 0
    assert "MUTUALISE_AUDIT_KEY is not set" in run.stderr
    assert not (tmp_path / keys.THROWAWAY_FILE).exists()


@pytest.mark.pure
def test_server_starts_with_the_key(tmp_path):
    run = _start_server(tmp_path, MUTUALISE_DEBUG="0", MUTUALISE_AUDIT_KEY="k" * 40)
    assert run.returncode == 0, run.stderr


@pytest.mark.pure
def test_debug_makes_a_throwaway_key_only_its_owner_can_read(tmp_path):
    run = _start_server(tmp_path, MUTUALISE_DEBUG="1")
    assert run.returncode == 0, run.stderr
    mode = stat.S_IMODE((tmp_path / keys.THROWAWAY_FILE).stat().st_mode)
    assert mode == 0o600


@pytest.mark.pure
def test_a_short_key_is_refused(tmp_path):
    run = _start_server(tmp_path, MUTUALISE_DEBUG="0", MUTUALISE_AUDIT_KEY="short")
    assert run.returncode != 0
    assert "at least 32 characters" in run.stderr


def test_the_key_id_names_the_key_without_giving_it_away(settings):
    settings.MUTUALISE_AUDIT_KEY = "x" * 40
    key = keys.signing_key()
    assert len(key.id) == 16 and "x" not in key.id
    settings.MUTUALISE_AUDIT_KEY = "y" * 40
    assert keys.signing_key().id != key.id


def test_a_bad_retired_key_is_named(settings):
    settings.MUTUALISE_AUDIT_OLD_KEYS = ["z" * 40, "tiny"]
    with pytest.raises(ImproperlyConfigured, match="MUTUALISE_AUDIT_OLD_KEYS item 2"):
        keys.known_keys()
