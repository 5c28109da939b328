"""MES as a count: plain (`mes`, each voter holds budget / voters) and pabulib's
`equalshares/add1` (`mes_add1`), optionally completed by greedy.

Add1, as pabulib defines it:
1. run MES with each voter holding B / n;
2. then run it again from scratch with floor(B / n) + 1, + 2, ... per voter (pabulib's checker and
   data preparation start the +1 steps from floor(B / n));
3. keep the last outcome that costs at most B: stop at the first that costs more. (Not at the
   first outcome that is exhaustive, which is what pabutools' `voter_budget_increment=1` does.)
Where a run proves (mes.run(track=True)) that every share below some s' gives the very same
outcome, the steps below s' are skipped: they would all repeat it. The report counts only the
runs computed.

Greedy completion (a rulebook choice, off in pabulib's `equalshares/add1`): after MES, the
projects not funded, by number of supporters (ties: cheaper, then file order), funded while they
fit in what is left of the budget.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .mes import INF, TIE_RULE, ApprovalProfile, MesRun, approval_profile, run
from .pb import PbInstance
from .result import BudgetResult, Step, money


def add1_run(profile: ApprovalProfile, budget: Fraction) -> tuple[MesRun, int]:
    """The run Add1 keeps and how many runs were computed."""
    n = profile.n
    kept = run(profile, budget / n, track=True)
    runs = 1
    base = budget // n  # floor(B / n)
    k = 0
    supported = sum(1 for a in profile.approvals if a)
    while kept.stable_until != INF and len(kept.purchases) < supported:
        k = max(k + 1, math.ceil(kept.stable_until - base))
        trial = run(profile, Fraction(base + k), track=True)
        runs += 1
        if trial.spent > budget:
            # Every share from the kept run's up to this one gives the kept outcome; report the
            # payments at the last of them, the share Add1 stops at.
            last = Fraction(base + k - 1)
            if last > kept.per_voter:
                again = run(profile, last)
                runs += 1
                if again.funded != kept.funded:  # the proof of stability was wrong: never hide it
                    raise AssertionError(f"Add1: the run at {last} differs from the one it skipped")
                kept = again
            break
        kept = trial
    return kept, runs


def _explain(
    profile: ApprovalProfile, mes_run: MesRun, budget: Fraction, rule: str
) -> BudgetResult:
    ids, costs = profile.ids, profile.costs
    result = BudgetResult(rule, budget, [], per_voter=mes_run.per_voter, tie_rule=TIE_RULE)
    left = budget
    for number, buy in enumerate(mes_run.purchases, 1):
        pid, cost = ids[buy.project], costs[buy.project]
        left -= cost
        effective = cost / buy.price if buy.price else None
        text = f"project {pid} funded: {buy.full_payers} supporters paid {money(buy.price)} each"
        if buy.partial_payers:
            text += (
                f", {buy.partial_payers} more paid all they had left "
                f"({money(buy.partial_paid)} together)"
            )
        text += f"; costs {money(cost)}"
        if effective is not None:
            text += f", {money(effective)} effective votes"
        result.selected.append(pid)
        result.steps.append(
            Step(
                number,
                pid,
                "funded",
                text,
                cost,
                price=buy.price,
                full_payers=buy.full_payers,
                partial_payers=buy.partial_payers,
                partial_paid=buy.partial_paid,
            )
        )
        result.reasons[pid] = (
            f"funded in round {number}: {buy.full_payers + buy.partial_payers} supporters "
            f"shared its cost, {money(buy.price)} each at most"
        )
    for q, pid in enumerate(ids):
        if pid in result.reasons:
            continue
        if not profile.approvals[q]:
            result.reasons[pid] = "not funded: nobody voted for it"
        else:
            held = mes_run.held.get(q)
            result.reasons[pid] = (
                f"not funded: its {profile.approvals[q]} supporters had only "
                f"{money(held)} left of their shares, and it costs {money(costs[q])}"
                if held is not None
                else f"not funded: costs {money(costs[q])}"
            )
    return result


def _complete_greedily(profile: ApprovalProfile, result: BudgetResult) -> None:
    left = result.budget - result.spent
    order = sorted(
        range(len(profile.ids)),
        key=lambda q: (-profile.approvals[q], profile.costs[q], q),
    )
    for q in order:
        pid, cost = profile.ids[q], profile.costs[q]
        if pid in result.selected or not profile.approvals[q] or cost > left:
            continue
        left -= cost
        result.selected.append(pid)
        text = (
            f"project {pid} funded in greedy completion: {profile.approvals[q]} supporters, "
            f"costs {money(cost)}; {money(left)} left"
        )
        result.steps.append(Step(len(result.steps) + 1, pid, "funded", text, cost))
        result.reasons[pid] = (
            f"funded after equal shares, by votes ({profile.approvals[q]}), with what was left"
        )


def mes(instance: PbInstance, budget: Fraction | None = None, complete: bool = False):
    budget = instance.budget if budget is None else budget
    profile = approval_profile(instance)
    mes_run = run(profile, budget / profile.n) if profile.n else run(profile, Fraction(0))
    result = _explain(profile, mes_run, budget, "mes")
    result.rounds = 1
    if complete:
        result.rule = "mes+greedy"
        _complete_greedily(profile, result)
    return result


def mes_add1(instance: PbInstance, budget: Fraction | None = None, complete: bool = False):
    budget = instance.budget if budget is None else budget
    profile = approval_profile(instance)
    if not profile.n:
        return _explain(profile, run(profile, Fraction(0)), budget, "mes-add1")
    mes_run, runs = add1_run(profile, budget)
    result = _explain(profile, mes_run, budget, "mes-add1")
    result.rounds = runs
    if complete:
        result.rule = "mes-add1+greedy"
        _complete_greedily(profile, result)
    return result
