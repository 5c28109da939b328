"""Add1's rounds: bounded as the reference bounds them, and not one run per unit of share
where nothing can change (a dear project with one supporter made the loop run once for each
pound its supporter's share had to rise: thousands of MES runs, millions on a city's budget).

- The skip (jump.py) is exact: every share below the one it returns funds the same projects,
  checked here against the exact run on random instances at many shares in between.
- The outcome is pabutools' (`exhaustion_by_budget_increase`, pabulib's stop rule), on an
  instance where the skip is taken and on one where pabutools' bound (B / n + B a voter) stops
  the loop before the outcome stops fitting."""

import random
from fractions import Fraction

import pytest

from mutualise.budgeting import add1
from mutualise.budgeting.add1 import Counter, add1_run, mes_add1
from mutualise.budgeting.jump import stable_until
from mutualise.budgeting.mes import approval_profile, run
from mutualise.budgeting.pb import parse_pb


def pb_text(budget, costs, ballots):
    lines = ["META", "key;value", f"budget;{budget}", "vote_type;approval", "PROJECTS"]
    lines += ["project_id;cost"] + [f"p{i};{c}" for i, c in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote"]
    lines += [f"v{i};{','.join(f'p{j}' for j in b)}" for i, b in enumerate(ballots)]
    return "\n".join(lines) + "\n"


# Ten voters, 300 each: the two cheap projects everyone wants are bought at once; the dear one
# only voter 0 wants waits until voter 0's share has risen by 2,230 (to 2,530).
DEAR = (3000, [100, 200, 2500], [[0, 1, 2]] + [[0, 1]] * 9)


def test_a_dear_project_with_one_supporter_is_reached_in_a_few_rounds():
    instance = parse_pb(pb_text(*DEAR))
    result = mes_add1(instance)
    assert result.selected == ["p0", "p1", "p2"] and result.per_voter == 2530
    assert result.rounds <= 45  # unit by unit it was 2,231 MES runs


def test_without_the_skip_it_is_the_same_outcome_unit_by_unit(monkeypatch):
    instance = parse_pb(pb_text(*DEAR))
    monkeypatch.setattr(add1, "JUMP_FROM", 10**9)  # never skip
    slow = mes_add1(instance)
    assert (slow.selected, slow.per_voter, slow.rounds) == (["p0", "p1", "p2"], 2530, 2231)


def test_the_share_stops_at_pabutools_bound():
    """One voter, a pot of 14: p1 (8) is bought at once; p2 (32) only at a share of 40, which
    no longer fits. Unbounded, the loop kept the share of 39; pabutools stops raising at
    B / n + B = 28, and so does this count (the same projects, the share it reports is 28)."""
    result = mes_add1(parse_pb(pb_text(14, [17, 8, 32], [[1, 2]])))
    assert (result.selected, result.per_voter) == (["p1"], 28)


@pytest.mark.parametrize("seed", range(3))
def test_the_skip_never_passes_a_share_that_decides_differently(seed):
    rng = random.Random(seed)
    for _ in range(150):
        m, n = rng.randint(2, 6), rng.randint(1, 5)
        costs = [rng.randint(1, 60) for _ in range(m)]
        ballots = [rng.sample(range(m), rng.randint(1, m)) for _ in range(n)]
        profile = approval_profile(parse_pb(pb_text(10, costs, ballots)))
        share = Fraction(rng.randint(0, 160), 4)
        funded = run(profile, share).funded
        until = stable_until(profile, share)
        top = share + 200 if until is None else until
        for i in range(25):
            between = share + (top - share) * Fraction(i, 25)
            assert run(profile, between).funded == funded, (costs, ballots, share, until)
        if until is not None:
            assert until >= share


def test_the_dear_instance_agrees_with_pabutools(monkeypatch):
    pytest.importorskip("pabutools")
    monkeypatch.setattr(add1, "JUMP_FROM", 50)  # skip on this small copy too
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
    from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares

    budget, costs, ballots = 300, [10, 20, 250], [[0, 1, 2]] + [[0, 1]] * 9  # DEAR, / 10
    instance = Instance([Project(f"p{i}", c) for i, c in enumerate(costs)], budget_limit=budget)
    profile = ApprovalProfile(
        [ApprovalBallot([instance.get_project(f"p{j}") for j in b]) for b in ballots]
    )
    theirs = exhaustion_by_budget_increase(
        instance,
        profile,
        method_of_equal_shares,
        {"sat_class": Cost_Sat},
        exhaustive_stop=False,
        budget_step=len(ballots),
    )
    ours = mes_add1(parse_pb(pb_text(budget, costs, ballots)))
    assert sorted(ours.selected) == sorted(p.name for p in theirs) == ["p0", "p1", "p2"]
    counter = Counter(approval_profile(parse_pb(pb_text(budget, costs, ballots))))
    add1_run(counter, Fraction(budget))
    assert counter.jumps >= 1
