"""Closing a budget's vote: mix the ballots still held into the final table (mixing.py), count them under the
budget's rule with the pure counter (mutualise.budgeting), publish why each project won or
lost, and open a delivery record for each funded project. All in one locked transaction."""

from __future__ import annotations

import hashlib
from fractions import Fraction

from django.db import transaction

from mutualise.audit import services as audit
from mutualise.budgeting.add1 import mes, mes_add1
from mutualise.budgeting.greedy import greedy
from mutualise.budgeting.pb import PbInstance, PbProject, PbVote, amount_text, write_pb
from mutualise.jobs import services as jobs

from .. import mixing
from ..facts import budget_facts
from ..lifecycle import BUDGET_TRANSITIONS, check
from ..models import Budget, BudgetBallot, BudgetProject, Delivery
from .common import ParticipationError, now_or, require, today

FILE_RULES = {"greedy": "greedy", "mes": "equalshares", "mes-add1": "equalshares/add1"}


def instance_for(budget: Budget) -> PbInstance:
    """The budget's projects and counted ballots as a pabulib instance (amounts in pounds)."""
    projects = list(
        BudgetProject.objects.filter(budget=budget, review=BudgetProject.Review.ACCEPTED)
    )
    ballots = list(BudgetBallot.objects.filter(budget=budget).values_list("choices", flat=True))
    with_points = budget.ballot_kind in ("cumulative", "scoring")
    meta = {
        "description": budget.title,
        "country": "United Kingdom",
        "unit": budget.organisation.name,
        "instance": str(budget.pk),
        "num_projects": str(len(projects)),
        "num_votes": str(len(ballots)),
        "budget": amount_text(Fraction(budget.pot_pence, 100)),
        "vote_type": budget.ballot_kind,
        "rule": FILE_RULES[budget.rule],
        "currency": "GBP",
    }
    if budget.ballot_kind == "ordinal":
        meta["max_length"] = str(budget.ranks)
    return PbInstance(
        meta=meta,
        projects=[
            PbProject(p.code, Fraction(p.cost_pence, 100), p.title, {"name": p.title})
            for p in projects
        ],
        votes=[
            PbVote(
                str(i + 1),
                tuple(code for code, _ in choices),
                tuple(Fraction(points) for _, points in choices) if with_points else None,
            )
            for i, choices in enumerate(ballots)
        ],
        project_columns=["project_id", "cost", "name"],
        vote_columns=["voter_id", "vote", "points"] if with_points else ["voter_id", "vote"],
        source=f"budget {budget.pk}",
    )


def pb_text(budget: Budget) -> str:
    """The published, anonymised ballots: anyone can recount with `mutualise pb count`."""
    return write_pb(instance_for(budget))


def count_budget(given: Budget, *, actor=None, now=None) -> Budget:
    require(actor, "participation.run_budget", given.organisation, "count participatory budgets")
    transition = next(t for t in BUDGET_TRANSITIONS if t.name == "count")
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=given.pk)
        allowed, reason = check(transition, budget_facts(budget, now_or(now)))
        if not allowed:
            raise ParticipationError(reason)
        mixing.mix(budget, final=True)
        try:  # the ballots counted must be those the mixer wrote (audit/batch_sums.py)
            audit.check_batches(budget.organisation, mixing.MIXED_ACTION, subject=budget)
        except audit.BatchesDoNotAddUp as error:
            raise ParticipationError(
                f"the ballot box is not as the mixer left it ({error}), so it is not counted; "
                "investigate with mutualise audit verify"
            ) from None
        ballots = BudgetBallot.objects.filter(budget=budget).count()
        instance = instance_for(budget)
        if budget.rule == "greedy":
            result = greedy(instance)
        else:
            rule = mes if budget.rule == "mes" else mes_add1
            result = rule(instance, complete=budget.greedy_completion)
        published = write_pb(instance)
        budget.result = result.as_dict() | {
            "ballots": ballots,
            "pb_sha256": hashlib.sha256(published.encode()).hexdigest(),
        }
        budget.counted_at = now_or(now)
        budget.state = transition.target
        budget.save(update_fields=["result", "counted_at", "state"])
        funded = set(result.selected)
        for project in BudgetProject.objects.filter(budget=budget):
            if project.review != BudgetProject.Review.ACCEPTED:
                project.funded, project.outcome = (
                    False,
                    f"left out in review: {project.review_reason}",
                )
            else:
                project.funded = project.code in funded
                project.outcome = result.reasons.get(project.code, "")
            project.save(update_fields=["funded", "outcome"])
            if project.funded:
                Delivery.objects.create(
                    organisation=budget.organisation,
                    source=Delivery.Source.BUDGET_PROJECT,
                    source_ref=f"budget {budget.pk} project {project.code}",
                    title=project.title,
                    budget_project=project,
                    budget_pence=project.cost_pence,
                    decided_on=today(now),
                )
        audit.record(
            budget.organisation,
            transition.audit_action,
            actor=actor,
            subject=budget,
            data={
                "rule": result.rule,
                "selected": result.selected,
                "spent": str(result.spent),
                "ballots": ballots,
                "pb_sha256": budget.result["pb_sha256"],
            },
        )
    given.refresh_from_db()
    return given


COUNT_JOB = "participation.count"


def queue_count(given: Budget, *, actor=None, now=None):
    """Put the budget's count on the worker's queue (`mutualise worker`) with a job whose
    progress its page shows; the count itself (count_budget) runs there, in one transaction
    with the job's end. Refused at once, with the reason, if the count may not start now; a
    count already waiting or running is returned rather than queued twice."""
    # why: the task calls this verb: the one back-reference allowed (pyproject)
    from ..tasks import count_budget_task

    require(actor, "participation.run_budget", given.organisation, "count participatory budgets")
    transition = next(t for t in BUDGET_TRANSITIONS if t.name == "count")
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=given.pk)
        allowed, reason = check(transition, budget_facts(budget, now_or(now)))
        if not allowed:
            raise ParticipationError(reason)
        subject = f"budget:{budget.pk}"
        waiting = jobs.unfinished(COUNT_JOB, subject)
        if waiting is not None:
            return waiting
        ballots = mixing.cast_count(budget)
        job = jobs.start(
            count_budget_task,
            kind=COUNT_JOB,
            label=f"Counting {budget.title}",
            organisation=budget.organisation,
            total=ballots,
            unit="ballots",
            actor=actor,
            subject=subject,
            args=(budget.pk, getattr(actor, "pk", None)),
        )
        audit.record(
            budget.organisation,
            "budget.count_queued",
            actor=actor,
            subject=budget,
            data={"job": job.pk, "ballots": ballots},
        )
    return job
