"""Settings for tests and the demo only: the production settings with throwaway keys.

A key not given in the environment is made at random once and kept in var/dev-keys/, so a fresh
clone runs `make demo` and the tests without configuring anything, while the production settings
(`mutualise.web.settings`) still refuse to start without real keys. Never serve real members with
these: the keys sit in a file beside the database.
"""

import os
import secrets
from pathlib import Path

_var = Path(os.environ.get("MUTUALISE_VAR_DIR", Path(__file__).resolve().parents[3] / "var"))


def _throwaway(name: str) -> str:
    path = _var / "dev-keys" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


for _name in ("MUTUALISE_SECRET_KEY", "MUTUALISE_CREDENTIAL_KEY"):
    os.environ.setdefault(_name, _throwaway(_name))
os.environ.setdefault("MUTUALISE_AUDIT_THROWAWAY_KEY", "1")  # audit/keys.py makes one in var/
# A demo: mail is written to files under var/mail unless an SMTP server is given (the tests send
# through their own server, tests/mail), and the outbox page is on (below).
os.environ.setdefault("MUTUALISE_EMAIL_URL", f"file://{_var / 'mail'}")

from .settings import *  # noqa: E402, F403

# A demo install: the outbox page shows the mail sent (web/outbox.py).
MUTUALISE_DEMO = True

# The worker kill test's pause point (jobs/testing.py): "KIND:N", never set in production.
MUTUALISE_TEST_PAUSE_JOB = os.environ.get("MUTUALISE_TEST_PAUSE_JOB", "")

# The demo clock (mutualise/clock.py): a newcomer may move this install's time forward. Never in
# production: web/settings.py turns it off and the clock refuses the production settings module.
MUTUALISE_DEMO_CLOCK = True
MUTUALISE_DEMO_CLOCK_FILE = os.environ.get("MUTUALISE_DEMO_CLOCK_FILE", str(_var / "demo-clock"))
