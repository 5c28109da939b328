"""Reads of participation that other pages need (the organisation's home page)."""

from __future__ import annotations

from .lifecycle import BudgetState
from .models import Budget


def budgets_voting(organisation):
    return Budget.objects.filter(organisation=organisation, state=BudgetState.VOTING).order_by(
        "voting_closes_at", "title"
    )
