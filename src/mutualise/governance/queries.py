"""Reads other parts of the site need from governance (the organisation's home page)."""

from __future__ import annotations

from .models import Reminder


def open_reminders(organisation, limit: int | None = None) -> list[Reminder]:
    """The officers' open reminders, soonest to act on first."""
    found = Reminder.objects.filter(organisation=organisation, state=Reminder.State.OPEN)
    return list(found[:limit] if limit else found)
