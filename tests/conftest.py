"""Suite-wide configuration.

Tests of the pure libraries (tests/constitution, tests/counting) are marked `pure`: they never
touch a database, so they run once: in the PostgreSQL pass of `make test` (scripts/test.sh), or
in the SQLite pass when there is no PostgreSQL. The HTTP fuzz tests (`*_fuzz.py`) are marked
`fuzz` and run in the PostgreSQL pass only, the stricter of the two (it enforces every column's
length, where SQLite stores what it is given), to keep `make test` within CI's 25 minutes.

A test client's force_login (and login) stands for a whole sign-in, second factor included
(tests/two_factor.py); the tests of the second factor itself sign in through the real forms.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Processes the tests start (workers, servers, killed children) import this checkout's code too.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p
)
SHARED = REPO.parent / "shared"
PURE_DIRS = ("constitution", "counting", "budgeting")


def pytest_configure(config):
    # The suite seals the audit log with a throwaway key under var/ (the server refuses to).
    from django.conf import settings

    settings.MUTUALISE_AUDIT_THROWAWAY_KEY = True
    # Mail recorded in the outbox is sent on commit, unpaced, to Django's test outbox
    # (django.core.mail.outbox); tests/mail sends through the worker's task and a real server.
    settings.MUTUALISE_EMAIL_EAGER = True
    settings.MUTUALISE_EMAIL_RATE = 0
    # The demo clock's offset lives in a file: the suite's own, never a demo's under var/.
    import tempfile

    settings.MUTUALISE_DEMO_CLOCK_FILE = str(Path(tempfile.mkdtemp()) / "demo-clock")
    # Argon2 at its production cost is about a second of CPU a password on a loaded 2-core CI
    # machine, and the suite makes and checks thousands: its own cheap hasher, as Django advises.
    # tests/accounts/test_password_hashing.py holds the production settings to Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A transactional test's flush on PostgreSQL empties only the tables it wrote to.
    import fast_flush

    fast_flush.install()


def pytest_collection_modifyitems(config, items):
    tests_dir = Path(__file__).resolve().parent
    for item in items:
        rel = Path(item.fspath).resolve().relative_to(tests_dir)
        if rel.parts and rel.parts[0] in PURE_DIRS:
            item.add_marker(pytest.mark.pure)
        if rel.name.endswith("_fuzz.py"):
            item.add_marker(pytest.mark.fuzz)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout: conformance data and scripts."""
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: the conformance data lives there")
    return SHARED


@pytest.fixture(autouse=True)
def _sign_in_completes_two_factor(monkeypatch):
    from django.http import HttpRequest
    from django.test import Client
    from two_factor import verify_session

    force_login, login = Client.force_login, Client.login

    def _force_login(self, user, backend=None):
        force_login(self, user, backend)
        verify_session(self, user)

    def _login(self, **credentials):
        credentials.setdefault("request", HttpRequest())  # django-axes needs the request
        if not login(self, **credentials):
            return False
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=credentials["username"])
        verify_session(self, user)
        return True

    monkeypatch.setattr(Client, "force_login", _force_login)
    monkeypatch.setattr(Client, "login", _login)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) started for the test, recording what it receives
    (tests/mail_server.py); the install's mail goes to it through the worker's task, unpaced."""
    from mail_server import Server

    server = Server().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    settings.MUTUALISE_EMAIL_RATE = 0
    settings.MUTUALISE_EMAIL_EAGER = False  # through the worker's task, as in production
    yield server
    server.stop()
