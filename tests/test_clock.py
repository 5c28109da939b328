"""The install's one clock: the wall clock, moved forward only on a demo install, and refused
outright by the production settings whatever the environment or a leftover clock file says."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from mutualise import clock

SRC = Path(__file__).resolve().parent.parent / "src"


@pytest.fixture
def demo_clock():
    clock.reset()
    yield clock
    clock.reset()


def test_the_demo_clock_moves_forward_only(demo_clock):
    assert clock.enabled() and not clock.is_set()
    before = timezone.now()
    clock.advance(timedelta(days=10))
    assert clock.is_set()
    assert timedelta(days=10) <= clock.now() - before < timedelta(days=10, minutes=1)
    assert clock.localdate() == timezone.localdate(clock.now())
    with pytest.raises(ValueError, match="only moves forward"):
        clock.move_to(timezone.now() + timedelta(days=1))
    with pytest.raises(ValueError, match="aware"):
        clock.move_to(clock.now().replace(tzinfo=None))
    clock.reset()
    assert clock.now() - timezone.now() < timedelta(seconds=5)


def test_every_app_reads_the_one_clock(demo_clock):
    """elections/clock.py and the apps' services read mutualise.clock, not timezone.now (the
    worker's heartbeats, the mail queue's retries and a lost import's holding table keep the wall
    clock: they pace processes)."""
    from mutualise.elections import clock as elections_clock
    from mutualise.register import services as register

    clock.advance(timedelta(days=30))
    assert elections_clock.now() - timezone.now() > timedelta(days=29)
    assert register.today() == clock.localdate()
    leftover = []
    for path in (SRC / "mutualise").rglob("*.py"):
        text = path.read_text()
        rel = path.relative_to(SRC / "mutualise").as_posix()
        if rel in ("clock.py",) or rel.startswith(("jobs/", "mail/", "web/demo_clock.py")):
            continue
        if rel == "register/holding.py":  # an import's process is lost by the wall clock
            continue
        if "timezone.now()" in text or "timezone.localdate()" in text or "date.today()" in text:
            leftover.append(rel)
    assert leftover == [], f"read the time through mutualise.clock: {leftover}"


@override_settings(SETTINGS_MODULE="mutualise.web.settings")
def test_the_production_settings_module_is_refused_even_with_the_flag(demo_clock):
    assert not clock.enabled()
    with pytest.raises(clock.DemoClockRefused):
        clock.advance(timedelta(days=1))


def test_production_settings_cannot_turn_the_demo_clock_on(tmp_path):
    """mutualise.web.settings with every variable a hopeful operator might set, and a clock file
    left ten days ahead: the clock is the wall clock and refuses to move."""
    clock_file = tmp_path / "demo-clock"
    clock_file.write_text("864000\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUTUALISE_")}
    env.pop("DATABASE_URL", None)
    env.update(  # the production environment README.md documents (test_settings_fail_safe.py)
        MUTUALISE_SECRET_KEY=secrets.token_urlsafe(50),
        MUTUALISE_CREDENTIAL_KEY=secrets.token_urlsafe(50),
        MUTUALISE_AUDIT_KEY=secrets.token_urlsafe(50),
        MUTUALISE_ALLOWED_HOSTS="members.example.org",
    )
    env.update(
        PYTHONPATH=str(SRC),
        DJANGO_SETTINGS_MODULE="mutualise.web.settings",
        MUTUALISE_VAR_DIR=str(tmp_path),
        MUTUALISE_DEMO_CLOCK="1",
        MUTUALISE_DEMO="1",
        MUTUALISE_DEMO_CLOCK_FILE=str(clock_file),
    )
    script = (
        "import django; django.setup()\n"
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from mutualise import clock\n"
        "print(clock.enabled(), abs(clock.now() - timezone.now()) < timedelta(minutes=1))\n"
        "try:\n    clock.advance(timedelta(days=1))\nexcept clock.DemoClockRefused:\n"
        "    print('refused')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "refused"]
    assert clock_file.read_text() == "864000\n"
