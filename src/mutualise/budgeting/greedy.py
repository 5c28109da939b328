"""Greedy by votes, pabulib's `greedy`: rank the projects by score, walk down the list and fund
each one that still fits in what is left of the budget; a project that does not fit is skipped,
and the walk goes on.

Score, by ballot kind (pabulib's definitions):
- approval, choose-1: the number of ballots naming the project;
- cumulative, scoring: the sum of the points it was given;
- ordinal: the sum over ballots of (max_length - position), position 0 for a first choice
  (META `max_length`, or the longest ballot if the file does not say).

Ties in score: the cheaper project first, then the one listed first in the file.
"""

from __future__ import annotations

from fractions import Fraction

from .pb import PbInstance
from .result import BudgetResult, Step, money, symbol_of

TIE_RULE = "equal scores: the cheaper project first, then the one listed first"


def scores(instance: PbInstance) -> dict[str, Fraction]:
    total = {p.id: Fraction(0) for p in instance.projects}
    kind = instance.vote_type
    if kind == "ordinal":
        longest = max((len(v.projects) for v in instance.votes), default=0)
        top = int(instance.meta.get("max_length") or longest)
        for vote in instance.votes:
            for position, pid in enumerate(vote.projects):
                total[pid] += max(top - position, 0)
    elif kind in ("cumulative", "scoring"):
        for vote in instance.votes:
            for pid, points in zip(vote.projects, vote.points or (), strict=False):
                total[pid] += points
    else:
        counts = dict.fromkeys(total, 0)
        for vote in instance.votes:
            for pid in vote.projects:
                counts[pid] += 1
        total = {pid: Fraction(n) for pid, n in counts.items()}
    return total


def greedy(instance: PbInstance, budget: Fraction | None = None) -> BudgetResult:
    budget = instance.budget if budget is None else budget
    score = scores(instance)
    order = {p.id: i for i, p in enumerate(instance.projects)}
    ranked = sorted(instance.projects, key=lambda p: (-score[p.id], p.cost, order[p.id]))
    result = BudgetResult("greedy", budget, [], tie_rule=TIE_RULE)
    symbol, left = symbol_of(instance), budget
    for rank, project in enumerate(ranked, 1):
        s = score[project.id]
        if project.cost <= left:
            left -= project.cost
            result.selected.append(project.id)
            text = (
                f"project {project.id} funded: ranked {rank} by score ({s}), costs {money(project.cost, symbol)}"
                f"; {money(left, symbol)} left"
            )
            result.reasons[project.id] = f"funded: ranked {rank} by score ({s}), and it fitted"
            result.steps.append(Step(rank, project.id, "funded", text, project.cost, score=s))
        else:
            text = (
                f"project {project.id} skipped: ranked {rank} by score ({s}), costs "
                f"{money(project.cost, symbol)} but only {money(left, symbol)} was left"
            )
            result.reasons[project.id] = (
                f"not funded: ranked {rank} by score ({s}); it cost {money(project.cost, symbol)} when only "
                f"{money(left, symbol)} was left"
            )
            result.steps.append(Step(rank, project.id, "skipped", text, project.cost, score=s))
    return result
