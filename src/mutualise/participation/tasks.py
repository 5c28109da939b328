"""Participation's long work, run by the worker (`mutualise worker`): a budget's count started
by an officer (services.queue_count), and the daily close (jobs/schedule.py, just after
midnight): count every budget whose voting has closed and no officer has counted, expire
proposals whose time ran out (`close_due`; each count runs in its own locked transaction,
services.count_budget, so a retry counts only what is still uncounted)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from rules import has_perm

from mutualise import clock

try:
    from django.tasks import task  # Django 6
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

from mutualise.jobs import schedule
from mutualise.jobs import services as jobs
from mutualise.register.models import Organisation

from . import services
from .lifecycle import BudgetState
from .models import Budget


@task()
def count_budget_task(job_id: int, budget_id: int, actor_id: int | None):
    """Count the budget and end its job in one transaction: killed half way, nothing of the
    count is kept and the retry counts from the ballots again."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    with jobs.running(job_id) as run:
        try:
            with transaction.atomic():
                budget = services.count_budget(
                    Budget.objects.get(pk=budget_id), actor=actor or "worker"
                )
                funded = sum(1 for _ in budget.result.get("selected", []))
                run.finish(
                    {"summary": f"{budget.result.get('ballots', 0)} ballots counted; "
                     f"{funded} project{'s' if funded != 1 else ''} funded.",
                     "budget": budget.pk}
                )  # fmt: skip
        except services.ParticipationError as exc:  # the officer's to see, as it is
            raise jobs.JobError(str(exc)) from exc


def _may_run_budgets(user, job) -> bool:
    return has_perm("participation.run_budget", user, job.organisation)


def _budget_page(job) -> str:
    pk = int(job.subject.partition(":")[2])
    return reverse("participation:budget", args=[job.organisation.slug, pk])


jobs.kind("participation.count", may_view=_may_run_budgets, back=_budget_page)


def close_due(now=None) -> tuple[int, int]:
    """Count the budgets whose voting has closed and expire lapsed proposals; returns
    (budgets counted, proposals expired)."""
    now = now or clock.now()
    counted = 0
    for budget in Budget.objects.filter(state=BudgetState.VOTING, voting_closes_at__lte=now):
        services.count_budget(budget, actor="scheduler", now=now)
        counted += 1
    expired = sum(services.expire_proposals(org, now=now) for org in Organisation.objects.all())
    return counted, expired


@schedule.daily("participation.close", label="Closed budgets counted, lapsed proposals expired")
@task()
def close_daily(job_id: int, day: str) -> dict:
    with jobs.running(job_id) as run:
        counted, expired = close_due()
        result = {"summary": f"{counted} budget(s) counted, {expired} proposal(s) expired"}
        run.finish(result)
    return result
