"""The filtered floating-point MES (fast.py, and its compiled twin in kernel.py) takes exactly the
exact run's decisions, or says it cannot tell; counts then fall back to the exact run."""

import random
from fractions import Fraction

import pytest

from mutualise.budgeting import kernel
from mutualise.budgeting.add1 import Counter, mes, mes_add1
from mutualise.budgeting.fast import Ambiguous, decide, decide_numpy, float_profile
from mutualise.budgeting.mes import approval_profile, run
from mutualise.budgeting.pb import parse_pb, read_pb

COMPILED = [False] + ([True] if kernel.decide_compiled is not None else [])


def approval(budget, costs, ballots):
    lines = ["META", "key;value", f"budget;{budget}", "vote_type;approval", "PROJECTS"]
    lines += ["project_id;cost"] + [f"p{i};{c}" for i, c in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote"]
    lines += [f"v{i};{','.join(f'p{j}' for j in b)}" for i, b in enumerate(ballots)]
    return parse_pb("\n".join(lines) + "\n")


def decisions(profile, share, compiled):
    try:
        return decide(float_profile(profile), share, compiled=compiled)
    except Ambiguous:
        return None


@pytest.mark.parametrize("compiled", COMPILED)
def test_random_instances_decide_like_the_exact_run(compiled):
    rng = random.Random(7)
    decided = 0
    for _ in range(300):
        m, n = rng.randint(1, 9), rng.randint(1, 15)
        costs = [rng.choice([1, 2, 3, 5, 7.5, 10, 12.25, 20]) for _ in range(m)]
        ballots = [rng.sample(range(m), rng.randint(1, m)) for _ in range(n)]
        profile = approval_profile(approval(rng.randint(1, 60), costs, ballots))
        share = Fraction(rng.randint(1, 40), rng.choice([1, 3, 7]))
        got = decisions(profile, share, compiled)
        if got is not None:
            decided += 1
            assert got == run(profile, share).funded
    assert decided > 200  # the fast path answers most of the time, ties included


def test_compiled_and_numpy_agree_on_real_files(shared_dir):
    if kernel.decide_compiled is None:
        pytest.skip(
            "numba is not installed: make test installs it (the bench extra); the numpy path is tested without it"
        )
    for name in ["Netherlands_Assen_2024", "Poland_Swiecie_2023", "Poland_Warszawa_2017_Wawer"]:
        profile = approval_profile(read_pb(shared_dir / "conformance" / "pabulib" / f"{name}.pb"))
        fp = float_profile(profile)
        for share in (Fraction(300), Fraction(1000, 3), Fraction(777), Fraction(2028)):
            assert decide(fp, share, compiled=True) == decide_numpy(fp, share)


def test_real_files_decide_like_the_exact_run(shared_dir):
    for name in ["Netherlands_Assen_2024", "Poland_Swiecie_2023"]:
        inst = read_pb(shared_dir / "conformance" / "pabulib" / f"{name}.pb")
        profile = approval_profile(inst)
        base = inst.budget // profile.n
        for k in (0, 1, 17, 120, 240):
            share = inst.budget / profile.n if k == 0 else Fraction(base + k)
            assert decide_numpy(float_profile(profile), share) == run(profile, share).funded


def test_a_call_too_close_for_floats_is_counted_exactly():
    # Three voters with 10/3 each hold exactly the 10 that A costs: in floats that is a
    # coin toss, so the fast run refuses, and the count is exact.
    inst = approval(10, [10], [[0], [0], [0]])
    profile = approval_profile(inst)
    with pytest.raises(Ambiguous):
        decide_numpy(float_profile(profile), Fraction(10, 3))
    counter = Counter(profile)
    assert counter.funded(Fraction(10, 3)) == [0]
    assert counter.exact_runs == 1
    assert mes(inst).selected == ["p0"]


def test_exact_pricing_checks_the_decisions():
    profile = approval_profile(approval(10, [8, 2], [[0, 1], [0]]))
    with pytest.raises(AssertionError, match="decided but not affordable"):
        run(profile, Fraction(5), follow=[0, 1])  # after A, v1 has 1 left: B is not affordable
    with pytest.raises(AssertionError, match="left out but still affordable"):
        run(profile, Fraction(6), follow=[0])  # at 6 each, B is still affordable after A


def test_add1_notes_exact_fallbacks():
    result = mes_add1(approval(10, [10], [[0], [0], [0]]))
    assert result.selected == ["p0"]
    assert result.notes == [
        "1 of 1 runs were too close to call in floating point and were counted in exact "
        "fractions throughout"
    ]
