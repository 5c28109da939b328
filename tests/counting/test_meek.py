"""Meek STV (9-place fixed point, omega 10^-6) against iterations worked by hand."""

from decimal import Decimal

import pytest

from mutualise.counting.ballots import from_lists
from mutualise.counting.blt import parse_blt
from mutualise.counting.methods import get_method
from mutualise.counting.stv import meek

pytestmark = pytest.mark.pure

D = Decimal


def test_registered_under_its_slug():
    assert get_method("meek-stv") is meek.count


def test_keep_value_iteration_elects_the_second_candidate():
    ballots = [(6, [0, 1]), (3, [1]), (3, [2])]
    result = meek.count(from_lists("ABC", ballots, seats=2), seed=1)
    # 12 votes, no excess: quota 12 / 3 = 4 plus 10^-9.
    assert result.stages[0].totals == [D(6), D(3), D(3)]
    assert result.stages[0].elected == [0]
    # Iteration 1: surplus 1.999999999 > omega; A's keep value becomes
    # ceil(1 x 4.000000001) / 6 = 0.6666666668.. -> 0.666666667 (rounded up).
    # Iteration 2: A keeps 6 x 0.666666667 = 4.000000002, B gets 3 + 6 x 0.333333333.
    second = result.stages[1]
    assert second.totals == [D("4.000000002"), D("4.999999998"), D(3)]
    assert second.elected == [1]
    assert "2 iteration(s)" in second.note
    assert result.quota == D("4.000000001")
    assert result.elected == [0, 1]


def test_exclusions_and_excess_lower_the_quota():
    ballots = [(5, [0]), (4, [1, 2]), (3, [2]), (2, [3, 1])]
    result = meek.count(from_lists("ABCD", ballots, seats=1), seed=1)
    actions = [(s.action, s.excluded, s.elected) for s in result.stages]
    assert actions == [
        ("first", [], []),
        ("count", [], []),
        ("exclusion", [3], []),  # D's 2 papers go to B
        ("count", [], []),
        ("exclusion", [2], []),  # C's 3 papers have nothing after C: excess 3
        ("count", [], [1]),  # quota (14 - 3) / 2 = 5.5 + 10^-9; B has 6
    ]
    assert result.stages[2].totals == [D(5), D(6), D(3), D(0)]
    assert result.stages[4].non_transferable == D(3)
    assert result.quota == D("5.500000001")
    assert result.elected == [1]


def test_totals_plus_excess_are_the_valid_vote_exactly():
    ballots = [(7, [0, 1, 2]), (5, [1, 3]), (4, [2]), (3, [3, 0]), (2, [4, 2, 1])]
    result = meek.count(from_lists("ABCDE", ballots, seats=3), seed=3)
    excess = D(0)
    for stage in result.stages:
        excess += stage.non_transferable
        assert sum(stage.totals) + excess == result.valid_poll
    assert len(result.elected) == 3


def test_hopefuls_within_the_undistributed_surplus_are_tied_for_exclusion():
    # A's surplus passes half and a little more to B and C: in the limit B would end
    # 0.000000667 above C. The iteration stops (surplus stable) with 0.000333 of A's surplus
    # still undistributed, C 0.000000666 below B: too close to say who is lower.
    ballots = [(500001, [0, 1]), (499999, [0, 2]), (50000, [1]), (50001, [2]), (399998, [3])]
    result = meek.count(from_lists("ABCD", ballots, seats=2), seed=1)
    converged = result.stages[1]
    assert converged.totals[:3] == [
        D("499999.667000000"),
        D("300000.666500333"),
        D("300000.666499667"),
    ]
    assert "surplus stable" in converged.note
    # Reference rule B.3: B and C are tied (within the surplus), and the tie rule decides: B
    # was lower at stage 1 (50,000 against 50,001), so B is excluded, not C.
    assert result.stages[2].excluded == [1]
    (tie,) = result.tie_breaks
    assert (tie.tied, tie.chosen, tie.how) == ([1, 2], 1, "look-back to stage 1")
    assert result.elected == [0, 3]


def test_a_clear_lowest_beyond_the_surplus_is_not_tied():
    ballots = [(6, [0, 1]), (3, [1]), (2, [2]), (4, [3])]
    result = meek.count(from_lists("ABCD", ballots, seats=2), seed=1)
    assert not result.tie_breaks
    assert result.stages[2].excluded == [2]


def test_identical_papers_are_distributed_as_one_group_with_the_same_result():
    from mutualise.counting.ties import TieBreaker

    # 3,000 lines of five rankings, ungrouped as a BLT file may give them: five groups.
    rankings = [[0, 1, 2], [1, 0], [2, 3, 0], [3], [1, 2, 3, 0]]
    lines = "".join(
        "1 " + " ".join(str(c + 1) for c in rankings[k % 5]) + " 0\n" for k in range(3000)
    )
    spread = parse_blt(f"4 2\n{lines}0\nA\nB\nC\nD\nT\n")
    assert len(spread.weights) == 3000
    grouped = from_lists(list("ABCD"), [(600, r) for r in rankings], seats=2)
    count = meek._MeekCount(spread, None, TieBreaker(1))
    assert len(count.weights) == 5 and sum(len(c) for c in count.columns) == 13
    one, other = meek.count(spread, seed=1), meek.count(grouped, seed=1)
    assert [s.totals for s in one.stages] == [s.totals for s in other.stages]
    assert one.elected == other.elected and one.extra == other.extra
