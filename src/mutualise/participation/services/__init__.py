"""Participation's verbs, by subject; every one checks who acts, runs in one transaction and
writes the audit log."""

from .budgets import add_project, create_budget, review_project, set_voting_window, transition
from .common import ParticipationError, member_for
from .counting import COUNT_JOB, count_budget, instance_for, pb_text, queue_count
from .delivery import deliveries_csv, record_decision, update_delivery
from .proposals import (
    expire_proposals,
    hide_proposal,
    submit_proposal,
    support_proposal,
    withdraw_proposal,
)
from .voting import cast_ballot, eligibility, has_voted, validate

__all__ = [
    "COUNT_JOB",
    "ParticipationError",
    "add_project",
    "cast_ballot",
    "count_budget",
    "create_budget",
    "deliveries_csv",
    "eligibility",
    "expire_proposals",
    "has_voted",
    "hide_proposal",
    "instance_for",
    "member_for",
    "pb_text",
    "queue_count",
    "record_decision",
    "review_project",
    "set_voting_window",
    "submit_proposal",
    "support_proposal",
    "transition",
    "update_delivery",
    "validate",
    "withdraw_proposal",
]
