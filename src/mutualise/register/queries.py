"""Reads of the register other modules and apps need: today's date in London, and who is a
member on a date. Below the services (which re-export them), so the register's own modules
(exports, importing, representation) read them without an import cycle."""

from __future__ import annotations

from datetime import date

from django.db import models

from mutualise import clock

from .models import Member, MembershipPeriod, Organisation


def today() -> date:
    return clock.localdate()


def active_members(
    organisation: Organisation, on: date | None = None, constituency_id: str | None = None
) -> models.QuerySet:
    """Members admitted and not ceased on `on` (default today), optionally only those in one
    constituency on that date. Exact for past dates: it reads the membership periods."""
    on = on or today()
    periods = MembershipPeriod.objects.filter(
        member=models.OuterRef("pk"), started_on__lte=on
    ).filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on))
    if constituency_id is not None:
        periods = periods.filter(constituency_id=constituency_id)
    return Member.objects.filter(organisation=organisation).filter(models.Exists(periods))
