"""Issue 11.1: the production settings refuse to run on placeholder keys, `check --deploy` is
clean with the documented production environment, and voting codes survive a SECRET_KEY rotation."""

import os
import secrets
import subprocess
import sys

import pytest
from django.test import override_settings

from mutualise.demo import nhs_trust as demo
from mutualise.elections import services as elections
from mutualise.elections.models import Election

SRC = os.path.join(os.path.dirname(__file__), "..", "..", "src")


def _run(args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MUTUALISE_")}
    clean.update(PYTHONPATH=os.path.abspath(SRC), DJANGO_SETTINGS_MODULE="mutualise.web.settings")
    clean.pop("DATABASE_URL", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from mutualise.cli import main; sys.exit(main())",
            *args,
        ],
        env=clean,
        capture_output=True,
        text=True,
    )


def _key() -> str:
    return secrets.token_urlsafe(50)


def production_env() -> dict:
    """The production settings README.md documents."""
    return {
        "MUTUALISE_SECRET_KEY": _key(),
        "MUTUALISE_CREDENTIAL_KEY": _key(),
        "MUTUALISE_AUDIT_KEY": _key(),
        "MUTUALISE_ALLOWED_HOSTS": "members.example.org",
        "MUTUALISE_HTTPS": "1",
        "MUTUALISE_TRUSTED_PROXIES": "1",
        "MUTUALISE_EMAIL_URL": "smtp://members%40example.org:s3cret@mail.example.org:587?tls=1",
        "MUTUALISE_EMAIL_FROM": "Membership <membership@example.org>",
    }


@pytest.mark.parametrize(
    "missing, value",
    [
        ("MUTUALISE_SECRET_KEY", None),
        ("MUTUALISE_SECRET_KEY", "insecure-development-key-change-me"),
        ("MUTUALISE_SECRET_KEY", "short"),
        ("MUTUALISE_CREDENTIAL_KEY", None),
    ],
)
def test_the_server_will_not_start_without_real_keys(missing, value):
    env = production_env()
    env.pop(missing)
    if value is not None:
        env[missing] = value
    result = _run(["manage", "check"], **env)
    assert result.returncode != 0
    assert missing in result.stderr and "Traceback" not in result.stderr


def test_debug_mode_runs_without_keys():
    assert _run(["manage", "check"], MUTUALISE_DEBUG="1").returncode == 0


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = _run(["manage", "check", "--deploy", "--fail-level", "WARNING"], **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "url, said",
    [
        ("smtp://user:s3cret@mail.example.org:99999", "port must be a number"),
        ("smpt://mail.example.org", "unknown scheme 'smpt'"),
        ("smtp://user:s3cret@mail.example.org?tsl=1", "unknown option(s) tsl"),
        ("smtp://user:s3cret@[mail.example.org", "not a URL"),  # was a ValueError traceback
        ("smtp://user:s3cret\uff03@mail.example.org", "not a URL"),  # was one with the password
        ("console://", "console mail is not delivered to anyone"),
        ("file:///tmp/mail", "filebased mail is not delivered to anyone"),
    ],
)
def test_a_bad_or_undelivering_mail_url_stops_the_server_saying_why(url, said):
    result = _run(["manage", "check"], **{**production_env(), "MUTUALISE_EMAIL_URL": url})
    assert result.returncode != 0
    assert said in result.stderr and "MUTUALISE_EMAIL_URL" in result.stderr
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr


def test_check_deploy_warns_when_no_mail_server_is_set():
    env = production_env()
    del env["MUTUALISE_EMAIL_URL"], env["MUTUALISE_EMAIL_FROM"]
    result = _run(["manage", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert (
        "mail.W001" in result.stderr + result.stdout
        and "mail.W002" in result.stderr + result.stdout
    )


@pytest.mark.django_db
def test_rotating_secret_key_mid_poll_keeps_every_voting_code():
    info = demo.load()
    poll = Election.objects.filter(organisation=info.organisation, state="poll_open").get()
    with override_settings(SECRET_KEY=_key()):
        assert elections.check_code(poll, info.voting_code)
        marks = elections.parse_marks(poll, {1: "1"})
        assert elections.cast(poll, info.voting_code, marks)
