"""Participatory budgets (set up in setup.py): take projects, review them
(each one left out gets a published reason), and move through the phases."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from mutualise.audit import services as audit

from ..facts import budget_facts
from ..lifecycle import BUDGET_TRANSITIONS, BudgetState
from ..models import Budget, BudgetProject, Proposal
from .common import TITLE_LENGTH, ParticipationError, move, require, require_member
from .setup import window_problem


def transition(budget: Budget, name: str, *, actor=None, now=None) -> Budget:
    require(actor, "participation.run_budget", budget.organisation, "run participatory budgets")
    if name == "count":
        raise ParticipationError("count through services.count_budget, which counts the ballots")
    return move(Budget, budget, BUDGET_TRANSITIONS, name, budget_facts, actor, now)


def set_voting_window(budget: Budget, opens_at: datetime, closes_at: datetime, *, actor=None):
    require(actor, "participation.run_budget", budget.organisation, "run participatory budgets")
    if budget.state not in (BudgetState.DRAFT, BudgetState.PROPOSALS, BudgetState.REVIEW):
        raise ParticipationError("the voting times are fixed once voting has opened")
    problem = window_problem(budget.organisation, opens_at, closes_at)
    if problem:
        raise ParticipationError(problem[0].lower() + problem[1:])
    with transaction.atomic():
        budget.voting_opens_at, budget.voting_closes_at = opens_at, closes_at
        budget.save(update_fields=["voting_opens_at", "voting_closes_at"])
        audit.record(
            budget.organisation,
            "budget.voting_window_set",
            actor=actor,
            subject=budget,
            data={"opens": opens_at.isoformat(), "closes": closes_at.isoformat()},
        )
    return budget


def add_project(
    budget: Budget,
    *,
    title: str,
    cost_pence: int,
    description: str = "",
    area: str = "",
    proposer=None,
    proposal: Proposal | None = None,
    actor=None,
    now=None,
) -> BudgetProject:
    """A project idea: from a member while ideas are taken, or from whoever runs the budget
    (also in review, e.g. a proposal routed to the budget)."""
    organisation = budget.organisation
    if proposer is not None:
        require(actor, "participation.propose", organisation, "put forward projects")
        require_member(organisation, proposer, now)
        if budget.state != BudgetState.PROPOSALS:
            raise ParticipationError("this budget is not taking project ideas now")
    else:
        require(actor, "participation.run_budget", organisation, "add projects")
        if budget.state not in (BudgetState.PROPOSALS, BudgetState.REVIEW):
            raise ParticipationError("projects are added before voting opens")
    if cost_pence <= 0:
        raise ParticipationError("cost: a project must cost something")
    if not title.strip():
        raise ParticipationError("title: give the project a title")
    if len(title.strip()) > TITLE_LENGTH:
        raise ParticipationError(f"title: keep the title to {TITLE_LENGTH} characters")
    with transaction.atomic():
        count = BudgetProject.objects.filter(budget=budget).count()
        project = BudgetProject.objects.create(
            organisation=organisation,
            budget=budget,
            code=f"P{count + 1}",
            title=title.strip(),
            description=description,
            cost_pence=cost_pence,
            area=area,
            proposal=proposal,
        )
        audit.record(
            organisation,
            "budget.project_added",
            actor=actor,
            subject=project,
            data={"budget": budget.pk, "cost_pence": cost_pence},
        )
    return project


def review_project(project: BudgetProject, *, accept: bool, reason: str = "", actor=None):
    organisation = project.organisation
    require(actor, "participation.run_budget", organisation, "review projects")
    if project.budget.state != BudgetState.REVIEW:
        raise ParticipationError("projects are reviewed while the budget is under review")
    reason = reason.strip()
    if not accept and not reason:
        raise ParticipationError("reason: say why the project is left out; the reason is published")
    with transaction.atomic():
        project.review = BudgetProject.Review.ACCEPTED if accept else BudgetProject.Review.LEFT_OUT
        project.review_reason = reason
        project.save(update_fields=["review", "review_reason"])
        audit.record(
            organisation,
            "budget.project_reviewed",
            actor=actor,
            subject=project,
            data={"accepted": accept, "reason": reason},
        )
    return project
