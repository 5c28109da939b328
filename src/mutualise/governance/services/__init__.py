"""Governance verbs, one module per subject, re-exported here."""

from .errors import GovernanceError, NotPermitted
from .health import check_organisation, health_all, run_daily
from .holders import (
    appoint,
    current_holders,
    declare,
    end_holding,
    officers_register,
    record_body_meeting,
    record_existing_holder,
    record_office_election,
    sync_elected_term,
)
from .reminders import close_reminder, open_reminders, refresh_reminders

__all__ = [
    "GovernanceError",
    "NotPermitted",
    "appoint",
    "check_organisation",
    "close_reminder",
    "current_holders",
    "declare",
    "end_holding",
    "health_all",
    "officers_register",
    "open_reminders",
    "record_body_meeting",
    "record_existing_holder",
    "record_office_election",
    "refresh_reminders",
    "run_daily",
    "sync_elected_term",
]
