"""The daily health check, for the scheduler.

The task queue (django-tasks, worked by `mutualise worker`) has not landed yet; until it does,
the scheduler calls `daily_health_check()` (or cron runs `mutualise health --all --store`).
When it lands, decorate this function with its `@task` and enqueue it once a day."""

from __future__ import annotations


def daily_health_check() -> int:
    """Check every organisation and store each one's latest findings (the page across
    organisations reads them). Returns how many organisations have a serious finding."""
    from .services import run_daily

    return run_daily()
