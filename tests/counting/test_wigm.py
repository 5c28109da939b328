"""WIGM STV (exact rationals in the Scottish rules' framework) against hand counts."""

import json
from fractions import Fraction as F
from pathlib import Path

import pytest

from mutualise.counting.ballots import from_lists
from mutualise.counting.blt import read_blt
from mutualise.counting.methods import get_method
from mutualise.counting.stv import scottish, wigm

pytestmark = pytest.mark.pure


def test_registered_under_its_slug():
    assert get_method("wigm-stv") is wigm.count


def test_all_papers_of_a_surplus_move_at_exact_values():
    # 17 valid, 3 seats: quota 17 // 4 + 1 = 5.
    ballots = [(8, [0, 1, 2]), (3, [1, 3]), (2, [2]), (3, [3]), (1, [4])]
    result = wigm.count(from_lists("ABCDE", ballots, seats=3), seed=1)
    assert result.quota == 5
    # Stage 2: A's 8 papers at 3/8 each to B: 3 + 3 = 6.
    assert result.stages[1].totals == [5, 6, 2, 3, 1]
    # Stage 3: ALL of B's papers at value x 1/6: 3 papers for D (1/2), 8 at 3/8 for C (1/2).
    assert result.stages[2].totals == [5, 5, F(5, 2), F(7, 2), 1]
    # Stage 4: E excluded, 1 non-transferable; stage 5: C excluded: 2 papers at 1 and 8 at
    # 1/16 have no next preference (5/2 non-transferable); D is the last continuing.
    assert result.stages[3].excluded == [4]
    assert result.stages[4].excluded == [2]
    assert result.stages[4].non_transferable == F(5, 2)
    assert result.elected == [0, 1, 3]


def test_no_rounding_where_scottish_rounds():
    # 3 seats, 10 valid: quota 3; A's surplus 4/7 per paper: 4/7 exactly here, 0.57142 there.
    ballots = [(7, [0, 1]), (1, [1]), (1, [2]), (1, [3])]
    profile = from_lists("ABCD", ballots, seats=3)
    exact = wigm.count(profile, seed=1)
    assert exact.stages[1].totals[1] == 1 + 7 * F(4, 7)
    assert exact.stages[1].loss == 0
    scot = scottish.count(profile, seed=1)
    assert str(scot.stages[1].totals[1]) == "4.99994"  # 7 x 0.57142 + 1
    for stage in exact.stages:
        assert (
            sum(stage.totals) + sum(s.non_transferable for s in exact.stages[: stage.number])
            == exact.valid_poll
        )


def test_elects_the_official_candidates_of_the_158_scottish_wards():
    # WIGM is the Scottish rule without its 5-place rounding: on real elections the rounding
    # never decided a seat, so the exact count must elect exactly the officially elected.
    base = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "scottish-stv"
    official = json.loads((base / "official-2017.json").read_text())
    differing = []
    for ward, sheet in official.items():
        result = wigm.count(read_blt(base / "ballots" / ward), seed=1)
        elected = {int(c) - 1 for c, entry in sheet["candidates"].items() if entry["elected"]}
        if set(result.elected) != elected:
            differing.append(ward)
    assert len(official) == 158
    assert differing == []
