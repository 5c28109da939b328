"""Participation's scheduled work: count every budget whose voting has closed, expire proposals
whose time ran out.

The task queue (django-tasks, worked by `mutualise worker`) has not landed yet; until it does,
the scheduler calls `close_due()`. When it lands, decorate it with its `@task` and enqueue it
every few minutes; each count runs in its own locked transaction (services.count_budget)."""

from __future__ import annotations

from django.utils import timezone


def close_due(now=None) -> tuple[int, int]:
    """Count the budgets whose voting has closed and expire lapsed proposals; returns
    (budgets counted, proposals expired)."""
    from mutualise.register.models import Organisation

    from . import services
    from .lifecycle import BudgetState
    from .models import Budget

    now = now or timezone.now()
    counted = 0
    for budget in Budget.objects.filter(state=BudgetState.VOTING, voting_closes_at__lte=now):
        services.count_budget(budget, actor="scheduler", now=now)
        counted += 1
    expired = sum(services.expire_proposals(org, now=now) for org in Organisation.objects.all())
    return counted, expired
