"""The one clock every app reads the time from: `clock.now()` and `clock.localdate()`.

On a real install it is the wall clock (django.utils.timezone). On a demo install only, a
newcomer may move it forward (the demo clock page), so an election goes from notice to
declaration and a meeting from notice to minutes in minutes, not weeks. The offset is kept in a
small file (settings.MUTUALISE_DEMO_CLOCK_FILE) that every process of the install reads: the web
workers and the task worker see the same time.

The demo clock is refused outright outside demo installs: it runs only when the settings say
MUTUALISE_DEMO_CLOCK = True (web/settings_dev.py does; web/settings.py sets False and reads no
environment variable for it) and the settings module is not the production one, whatever the
file holds. Worker heartbeats (jobs) and the mail queue's retries (mail) stay on the wall clock:
they pace processes, not the organisation's calendar.
"""

from __future__ import annotations

import contextlib
import os
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

PRODUCTION_SETTINGS = "mutualise.web.settings"
# A demo walks months or years, not to the calendar's end: moved to 9999-12-31 and on a week,
# the clock's time overflowed and every page (the banner reads it) was a server error.
MAX_AHEAD = timedelta(days=100 * 366)


class DemoClockRefused(RuntimeError):
    """Moving the time is for demo installs only."""


def enabled() -> bool:
    """Whether this install may run a demo clock at all."""
    return (
        getattr(settings, "MUTUALISE_DEMO_CLOCK", False) is True
        and getattr(settings, "SETTINGS_MODULE", PRODUCTION_SETTINGS) != PRODUCTION_SETTINGS
        and bool(getattr(settings, "MUTUALISE_DEMO_CLOCK_FILE", ""))
    )


def offset() -> timedelta:
    """How far the demo clock is ahead of the wall clock (zero unless a demo install set it)."""
    if not enabled():
        return timedelta(0)
    try:
        with open(settings.MUTUALISE_DEMO_CLOCK_FILE, encoding="ascii") as f:
            ahead = timedelta(seconds=float(f.read().strip() or 0))
    except (FileNotFoundError, ValueError, OverflowError):
        return timedelta(0)
    return ahead if ahead <= MAX_AHEAD else timedelta(0)


def now() -> datetime:
    return timezone.now() + offset()


def localdate() -> date:
    return timezone.localdate(now())


def is_set() -> bool:
    return offset() > timedelta(0)


def _write(seconds: float) -> None:
    if not enabled():
        raise DemoClockRefused(
            "the demo clock runs on demo installs only (web/settings_dev.py); this install's "
            "time is the real time"
        )
    path = settings.MUTUALISE_DEMO_CLOCK_FILE
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{seconds:.6f}\n")
    os.replace(tmp, path)  # atomic: a reader sees the old offset or the new one


def move_to(moment: datetime) -> datetime:
    """Set the demo clock to `moment` (aware, later than the clock's time now)."""
    if not enabled():
        _write(0)  # raises
    if timezone.is_naive(moment):
        raise ValueError("give an aware time (Europe/London)")
    if moment <= now():
        raise ValueError(
            f"the demo clock only moves forward: it is already "
            f"{timezone.localtime(now()):%-d %B %Y %H:%M}"
        )
    if moment - timezone.now() > MAX_AHEAD:
        raise ValueError("the demo clock moves at most 100 years ahead of the real time")
    _write((moment - timezone.now()).total_seconds())
    return now()


def advance(by: timedelta) -> datetime:
    if by <= timedelta(0):
        raise ValueError("the demo clock only moves forward")
    if offset() + by > MAX_AHEAD:
        raise ValueError("the demo clock moves at most 100 years ahead of the real time")
    _write((offset() + by).total_seconds())
    return now()


def reset() -> None:
    """Back to the wall clock (tests; a fresh demo)."""
    if enabled():
        with contextlib.suppress(FileNotFoundError):
            os.remove(settings.MUTUALISE_DEMO_CLOCK_FILE)
