"""Participation's verbs, by subject; every one checks who acts, runs in one transaction and
writes the audit log."""

from .budgets import add_project, review_project, set_voting_window, transition
from .common import ParticipationError, member_for
from .counting import COUNT_JOB, count_budget, instance_for, pb_text, queue_count
from .delivery import deliveries_csv, record_decision, update_delivery
from .paper import discard_paper_keying, key_paper_ballot, waiting_keyings
from .proposals import (
    expire_proposals,
    hide_proposal,
    restore_proposal,
    submit_proposal,
    support_proposal,
    withdraw_proposal,
)
from .setup import BudgetSettingsError
from .setup import create as set_up_budget
from .setup import update as update_budget
from .to_meeting import awaiting as awaiting_meeting
from .to_meeting import put_on_agenda
from .voting import cast_ballot, eligibility, has_voted, validate

__all__ = [
    "COUNT_JOB",
    "BudgetSettingsError",
    "ParticipationError",
    "add_project",
    "awaiting_meeting",
    "cast_ballot",
    "count_budget",
    "deliveries_csv",
    "discard_paper_keying",
    "eligibility",
    "expire_proposals",
    "has_voted",
    "hide_proposal",
    "instance_for",
    "key_paper_ballot",
    "member_for",
    "pb_text",
    "put_on_agenda",
    "queue_count",
    "record_decision",
    "restore_proposal",
    "review_project",
    "set_up_budget",
    "set_voting_window",
    "submit_proposal",
    "support_proposal",
    "transition",
    "update_budget",
    "update_delivery",
    "validate",
    "waiting_keyings",
    "withdraw_proposal",
]
