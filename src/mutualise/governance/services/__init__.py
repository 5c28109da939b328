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

__all__ = [
    "GovernanceError",
    "NotPermitted",
    "appoint",
    "check_organisation",
    "current_holders",
    "declare",
    "end_holding",
    "health_all",
    "officers_register",
    "record_body_meeting",
    "record_existing_holder",
    "record_office_election",
    "run_daily",
    "sync_elected_term",
]
