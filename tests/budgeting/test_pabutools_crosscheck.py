"""Cross-check against pabutools (a test-only dependency) where it implements the same rule.

- Plain MES with cost utilities: pabutools' `method_of_equal_shares(..., sat_class=Cost_Sat)`.
- Add1: pabutools' `method_of_equal_shares(voter_budget_increment=1)` stops at the first
  exhaustive outcome, which is not pabulib's rule (see ../shared/conformance/pabulib/README.md),
  so it is not used. `exhaustion_by_budget_increase(..., exhaustive_stop=False,
  budget_step=n)` is pabulib's stop rule; it raises the shares from B/n + 1 where pabulib (and
  this code) raise them from floor(B/n) + 1, so random instances use budgets that are a multiple
  of the number of voters, where the two are the same.
- Ties: pabutools breaks them by a rule passed in; it is given this code's rule (cheaper, then
  more supporters, then listed first), so ties must agree too.
pabutools is slow: only small instances here (Assen, 84 voters, takes it about 2 s).
"""

import random

import pytest

from mutualise.budgeting.add1 import mes, mes_add1
from mutualise.budgeting.pb import parse_pb, read_pb

pabutools = pytest.importorskip("pabutools")
from pabutools.election import (  # noqa: E402
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    Instance,
    Project,
    parse_pabulib,
)
from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares  # noqa: E402
from pabutools.tiebreaking import TieBreakingRule  # noqa: E402


def same_ties(instance, profile, file_order):
    index = {name: i for i, name in enumerate(file_order)}
    approvals = {p.name: profile.approval_score(p) for p in instance}
    return TieBreakingRule(lambda inst, prof, p: (p.cost, -approvals[p.name], index[p.name]))


def theirs(instance, profile, file_order, add1):
    ties = same_ties(instance, profile, file_order)
    if add1:
        outcome = exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            {"sat_class": Cost_Sat, "tie_breaking": ties},
            exhaustive_stop=False,
            budget_step=profile.num_ballots(),
        )
    else:
        outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=ties)
    return sorted(p.name for p in outcome)


def random_case(rng):
    m, n = rng.randint(2, 8), rng.randint(1, 12)
    costs = [rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 15]) for _ in range(m)]
    ballots = [rng.sample(range(m), rng.randint(1, m)) for _ in range(n)]
    budget = n * rng.randint(1, 8)
    lines = ["META", "key;value", f"budget;{budget}", "vote_type;approval", "PROJECTS"]
    lines += ["project_id;cost"] + [f"p{i};{c}" for i, c in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote"]
    lines += [f"v{i};{','.join(f'p{j}' for j in b)}" for i, b in enumerate(ballots)]
    ours = parse_pb("\n".join(lines) + "\n")
    instance = Instance([Project(f"p{i}", c) for i, c in enumerate(costs)], budget_limit=budget)
    profile = ApprovalProfile(
        [ApprovalBallot([instance.get_project(f"p{j}") for j in b]) for b in ballots]
    )
    return ours, instance, profile, [f"p{i}" for i in range(m)]


@pytest.mark.parametrize("seed", range(6))
def test_random_instances_agree_with_pabutools(seed):
    rng = random.Random(seed)
    for _ in range(25):
        ours, instance, profile, order = random_case(rng)
        assert sorted(mes(ours).selected) == theirs(instance, profile, order, add1=False)
        assert sorted(mes_add1(ours).selected) == theirs(instance, profile, order, add1=True)


def test_assen_add1_agrees_with_pabutools_on_the_real_file(shared_dir):
    path = shared_dir / "conformance" / "pabulib" / "Netherlands_Assen_2024.pb"
    instance, profile = parse_pabulib(str(path))
    order = [p.id for p in read_pb(path).projects]
    assert sorted(mes_add1(read_pb(path)).selected) == theirs(instance, profile, order, add1=True)


@pytest.mark.parametrize(
    "name",
    ["Netherlands_Assen_2024", "Poland_Warszawa_2017_Falenica", "Poland_Warszawa_2017_Sadul"],
)
def test_plain_mes_agrees_with_pabutools_on_real_files(shared_dir, name):
    path = shared_dir / "conformance" / "pabulib" / f"{name}.pb"
    instance, profile = parse_pabulib(str(path))
    order = [p.id for p in read_pb(path).projects]
    assert sorted(mes(read_pb(path)).selected) == theirs(instance, profile, order, add1=False)
