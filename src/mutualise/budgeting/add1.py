"""MES as a count: plain (`mes`, each voter holds budget / voters) and pabulib's
`equalshares/add1` (`mes_add1`), optionally completed by greedy.

Add1, as pabulib defines it:
1. run MES with each voter holding B / n;
2. then run it again from scratch with floor(B / n) + 1, + 2, ... per voter (pabulib's checker and
   data preparation start the +1 steps from floor(B / n));
3. keep the last outcome that costs at most B: stop at the first that costs more. (Not at the
   first outcome that is exhaustive, which is what pabutools' `voter_budget_increment=1` does.)
   The shares rise at most to B / n + B, the bound of pabutools' `exhaustion_by_budget_increase`;
   runs of shares that cannot change the outcome are skipped exactly (jump.py), so the rounds no
   longer grow with a dear project's cost / supporters.
Each run is decided by fast.py's filtered floating-point MES (exact answers, or it says it
cannot tell and the exact run decides); the run kept is then priced exactly (mes.run(follow=)).

Greedy completion (a rulebook choice, off in pabulib's `equalshares/add1`): after MES, the
projects not funded, by number of supporters (ties: cheaper, then file order), funded while they
fit in what is left of the budget.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .fast import Ambiguous, decide, float_profile
from .jump import stable_until
from .mes import TIE_RULE, ApprovalProfile, MesRun, approval_profile, run
from .pb import PbInstance
from .result import BudgetResult, Step, money, supporters, symbol_of

STALL = 8  # rounds with the same outcome after which the exact skip (jump.py) is tried...
JUMP_FROM = 1000  # ...if what is left out looks at least this many units of share away
COMPILED_FROM = 50_000  # supporter entries from which the numba kernel pays for its start-up (~2 s)


class Counter:
    """Decides MES runs fast (fast.py) and falls back to the exact run where floats cannot tell."""

    def __init__(self, profile: ApprovalProfile, compiled: bool | None = None):
        self.profile = profile
        self.fp = float_profile(profile)
        if compiled is None:
            compiled = int(self.fp.indptr[-1]) >= COMPILED_FROM
        self.compiled = compiled
        # costs as whole numbers of the smallest unit any cost is given in, to add them fast
        self.unit = math.lcm(*(c.denominator for c in profile.costs)) if profile.costs else 1
        self.scaled = [int(c * self.unit) for c in profile.costs]
        self.runs = 0
        self.exact_runs = 0
        self.jumps = 0  # exact skips over shares that cannot change the outcome

    def funded(self, share: Fraction) -> list[int]:
        self.runs += 1
        try:
            return decide(self.fp, share, compiled=self.compiled)
        except Ambiguous:
            self.exact_runs += 1
            return run(self.profile, share).funded

    def cost(self, projects: list[int]) -> Fraction:
        return Fraction(sum(self.scaled[q] for q in projects), self.unit)

    def priced(self, share: Fraction, funded: list[int]) -> MesRun:
        """The run with exact payments, checked exactly: each decided project affordable when
        bought, and none of the others affordable at the end."""
        return run(self.profile, share, follow=funded)


def _far(profile: ApprovalProfile, kept: list[int], share: Fraction) -> bool:
    """Whether a skip looks worth its exact pass (about as dear as an exact run, which is
    hundreds of fast ones on a city's instance): every project left out needs, even were its
    supporters to have spent nothing, a share at least JUMP_FROM above this one. Only a guess
    of where the next change is; the pass itself decides how far is safe."""
    funded = set(kept)
    out = [q for q, a in enumerate(profile.approvals) if a and q not in funded]
    return bool(out) and min(profile.costs[q] / profile.approvals[q] for q in out) >= (
        share + JUMP_FROM
    )


def add1_run(counter: Counter, budget: Fraction) -> MesRun:
    """The run Add1 keeps.

    Bounded as pabutools' `exhaustion_by_budget_increase` (the reference) bounds it: the
    shares rise at most to B / n + B each (its budget_bound, B * (n + 1) in all), keeping the
    last outcome that fits. And where the outcome has not changed for STALL rounds and what is
    left out looks far off (`_far`), one exact pass (jump.py) finds the share at which the
    outcome next can change, and every share below it is skipped:
    they all fund the same projects, so the outcome kept is the one the unit-by-unit loop keeps,
    at the same share, without one run per unit (rounds grew with cost / supporters)."""
    profile = counter.profile
    n = profile.n
    share = budget / n
    kept = counter.funded(share)
    base = budget // n  # floor(B / n)
    ceiling = math.floor(budget / n + budget)  # the highest whole share pabutools reaches
    supported = sum(1 for a in profile.approvals if a)
    trial_share, same = base, 0
    while len(kept) < supported:  # once every supported project is funded, nothing can change
        trial_share += 1
        if trial_share > ceiling:
            break
        trial = counter.funded(Fraction(trial_share))
        if counter.cost(trial) > budget:
            break
        same = same + 1 if trial == kept else 0
        kept, share = trial, Fraction(trial_share)
        if same >= STALL and _far(profile, kept, share):
            same = 0
            until = stable_until(profile, share)
            counter.jumps += 1
            following = ceiling + 1 if until is None else max(trial_share + 1, math.ceil(until))
            # every whole share below `following` funds `kept`: go straight to the last of them
            trial_share = min(following - 1, ceiling)
            share = Fraction(trial_share)
    return counter.priced(share, kept)


def _explain(
    profile: ApprovalProfile, mes_run: MesRun, budget: Fraction, rule: str, symbol: str = ""
) -> BudgetResult:
    ids, costs = profile.ids, profile.costs
    result = BudgetResult(rule, budget, [], per_voter=mes_run.per_voter, tie_rule=TIE_RULE)
    left = budget
    for number, buy in enumerate(mes_run.purchases, 1):
        pid, cost = ids[buy.project], costs[buy.project]
        left -= cost
        effective = cost / buy.price if buy.price else None
        text = f"project {pid} funded: {supporters(buy.full_payers)} paid {money(buy.price, symbol)} each"
        if buy.partial_payers:
            text += (
                f", {buy.partial_payers} more paid all they had left "
                f"({money(buy.partial_paid, symbol)} together)"
            )
        text += f"; costs {money(cost, symbol)}"
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
            f"funded in round {number}: {supporters(buy.full_payers + buy.partial_payers)} "
            f"shared its cost, {money(buy.price, symbol)} each at most"
        )
    pot_left = left  # what the pot holds once the funded projects are paid
    for q, pid in enumerate(ids):
        if pid in result.reasons:
            continue
        if not profile.approvals[q]:
            result.reasons[pid] = "not funded: nobody voted for it"
        else:
            held = mes_run.held.get(q)
            if held is not None and held <= pot_left:
                result.reasons[pid] = (
                    f"not funded: its {supporters(profile.approvals[q])} had only "
                    f"{money(held, symbol)} left of their shares, and it costs "
                    f"{money(costs[q], symbol)}"
                )
            elif costs[q] > pot_left:
                # Add1 may raise the shares above what the pot holds: then what stops the
                # project is the pot itself, and saying the shares would mislead.
                result.reasons[pid] = (
                    f"not funded: it costs {money(costs[q], symbol)}, more than the "
                    f"{money(pot_left, symbol)} left in the pot once the funded projects are paid"
                )
            else:
                result.reasons[pid] = f"not funded: costs {money(costs[q], symbol)}"
    return result


def _complete_greedily(profile: ApprovalProfile, result: BudgetResult, symbol: str = "") -> None:
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
            f"project {pid} funded in greedy completion: {supporters(profile.approvals[q])}, "
            f"costs {money(cost, symbol)}; {money(left, symbol)} left"
        )
        result.steps.append(Step(len(result.steps) + 1, pid, "funded", text, cost))
        result.reasons[pid] = (
            f"funded after equal shares, by votes ({profile.approvals[q]}), with what was left"
        )


def mes(instance: PbInstance, budget: Fraction | None = None, complete: bool = False):
    budget = instance.budget if budget is None else budget
    profile = approval_profile(instance)
    counter = Counter(profile)
    share = budget / profile.n if profile.n else Fraction(0)
    mes_run = counter.priced(share, counter.funded(share))
    result = _explain(profile, mes_run, budget, "mes", symbol_of(instance))
    result.rounds = counter.runs
    if complete:
        result.rule = "mes+greedy"
        _complete_greedily(profile, result, symbol_of(instance))
    return result


def mes_add1(instance: PbInstance, budget: Fraction | None = None, complete: bool = False):
    budget = instance.budget if budget is None else budget
    profile = approval_profile(instance)
    counter = Counter(profile)
    mes_run = add1_run(counter, budget) if profile.n else counter.priced(Fraction(0), [])
    result = _explain(profile, mes_run, budget, "mes-add1", symbol_of(instance))
    result.rounds = counter.runs
    if counter.exact_runs:
        result.notes.append(
            f"{counter.exact_runs} of {counter.runs} runs were too close to call in floating "
            "point and were counted in exact fractions throughout"
        )
    if complete:
        result.rule = "mes-add1+greedy"
        _complete_greedily(profile, result, symbol_of(instance))
    return result
