"""Snapshots the lifecycle guards read, built from the database in one place."""

from __future__ import annotations

from django.db.models import Count, Q

from mutualise import clock

from .lifecycle import BudgetFacts, BudgetState, ProposalFacts, ProposalState
from .models import Budget, BudgetProject, Proposal


def budget_facts(budget: Budget, now=None) -> BudgetFacts:
    counts = BudgetProject.objects.filter(budget=budget).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(review=BudgetProject.Review.PENDING)),
        accepted=Count("pk", filter=Q(review=BudgetProject.Review.ACCEPTED)),
    )
    return BudgetFacts(
        now=now or clock.now(),
        state=BudgetState(budget.state),
        pot_pence=budget.pot_pence,
        projects=counts["total"],
        pending=counts["pending"],
        accepted=counts["accepted"],
        min_projects=budget.min_projects,
        voting_closes_at=budget.voting_closes_at,
    )


def proposal_facts(proposal: Proposal, now=None) -> ProposalFacts:
    return ProposalFacts(
        now=now or clock.now(),
        state=ProposalState(proposal.state),
        supporters=proposal.supporters,
        threshold=proposal.threshold,
        closes_at=proposal.closes_at,
        routed=proposal.routed_at is not None,
    )
