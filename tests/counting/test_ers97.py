"""ERS97 STV against elections counted by hand from the rules (paragraph numbers cited)."""

from decimal import Decimal

import numpy as np
import pytest

from mutualise.counting.ballots import from_lists
from mutualise.counting.methods import get_method
from mutualise.counting.result import CountError
from mutualise.counting.stv import ers97
from mutualise.counting.ties import TieBreaker, look_forward

pytestmark = pytest.mark.pure

D = Decimal


def totals(result, stage):
    return [str(v) for v in result.stages[stage - 1].totals]


def test_registered_under_its_slug():
    assert get_method("ers97-stv") is ers97.count
    assert get_method("ers97") is ers97.count


def test_first_stage_surplus_passes_all_papers_at_truncated_value():
    # 19 valid, 2 places: 19/3 = 6.333.. -> 6.33 + 0.01 = 6.34 (5.1.6).
    profile = from_lists("ABCD", [(10, [0, 1]), (4, [1]), (3, [2]), (2, [3, 2])], seats=2)
    result = ers97.count(profile, seed=1)
    assert result.quota == D("6.34")
    assert totals(result, 1) == ["10.00", "4.00", "3.00", "2.00"]
    # 5.3.7: 3.66 / 10 transferable papers = 0.366 -> 0.36 each; B gets 3.60, and the
    # neglected remainder 0.06 is non-transferable (5.3.9).
    assert totals(result, 2) == ["6.34", "7.60", "3.00", "2.00"]
    assert result.stages[1].non_transferable == D("0.06")
    assert result.elected == [0, 1]


def test_deferred_surplus_and_bulk_exclusion():
    # 20 valid, 2 places: quota 6.67. A's surplus 0.33 is deferred (5.2.2(b)): D and E
    # (1 + 1) plus 0.33 do not exceed C's 5, so they are excluded together (5.2.5).
    ballots = [(7, [0, 4]), (6, [1]), (5, [2]), (1, [3, 1]), (1, [4, 2])]
    result = ers97.count(from_lists("ABCDE", ballots, seats=2), seed=1)
    assert result.quota == D("6.67")
    assert result.stages[1].action == "exclusion"
    assert sorted(result.stages[1].excluded) == [3, 4]
    assert totals(result, 2) == ["7.00", "7.00", "6.00", "0.00", "0.00"]
    assert result.elected == [0, 1]
    assert len(result.stages) == 2  # A's surplus was never transferred


def test_later_surplus_comes_from_the_last_batch_only():
    # 16 valid, 3 places: quota exactly 4.00.
    ballots = [(8, [0, 1, 2]), (3, [1, 3]), (2, [2]), (2, [3]), (1, [4])]
    result = ers97.count(from_lists("ABCDE", ballots, seats=3), seed=1)
    assert result.quota == D("4.00")
    # Stage 2: A's 8 papers at 4/8 = 0.50 to B, who reaches 7.00.
    assert totals(result, 2) == ["4.00", "7.00", "2.00", "2.00", "1.00"]
    # Stage 3: only that last batch (8 papers at 0.50) is examined (5.3.2), not B's own
    # papers for D: 3 / 8 = 0.375 -> 0.37 each to C; 0.04 non-transferable.
    assert totals(result, 3) == ["4.00", "4.00", "4.96", "2.00", "1.00"]
    assert result.stages[2].non_transferable == D("0.04")
    assert result.elected == [0, 1, 2]


def test_quota_recalculated_when_papers_exhaust_before_anyone_is_elected():
    # 9 valid, 1 place: quota 4.50; C's 2 papers exhaust, so the quota becomes 7/2 = 3.50
    # (5.4.8) and A's 4 votes elect A.
    ballots = [(4, [0]), (3, [1]), (2, [2])]
    result = ers97.count(from_lists("ABC", ballots, seats=1), seed=1)
    assert result.quota == D("3.50")
    assert result.stages[1].excluded == [2]
    assert result.stages[1].non_transferable == D("2.00")
    assert result.elected == [0]
    assert any("5.4.8" in note for note in result.notes)


def test_exclusion_moves_batches_in_one_stage_and_active_vote_elects():
    # 23 valid, 2 places: quota 23/3 = 7.666.. -> 7.67.
    ballots = [(10, [0, 2, 1]), (2, [2, 3]), (5, [3]), (5, [1]), (1, [4])]
    result = ers97.count(from_lists("ABCDE", ballots, seats=2), seed=1)
    assert result.quota == D("7.67")
    # Stage 2: 2.33 / 10 -> 0.23 each to C (2.30; 0.03 non-transferable).
    assert totals(result, 2) == ["7.67", "5.00", "4.30", "5.00", "1.00"]
    # Stage 3: E excluded, 1.00 non-transferable. Stage 4: C excluded, one stage of two
    # batches (5.4.1, 5.4.11): 2 papers at 1.00 to D, then 10 at 0.23 to B. After the first
    # batch D's 7.00 is below the quota and below the total active vote / 2 = 14.30 / 2;
    # after the second, B's 7.30 reaches 14.30 / 2 = 7.15 (5.4.9(b)).
    assert result.stages[2].excluded == [4]
    assert result.stages[3].excluded == [2]
    assert totals(result, 4) == ["7.67", "7.30", "0.00", "7.00", "0.00"]
    assert result.stages[3].elected == [1]
    assert result.elected == [0, 1]
    assert len(result.stages) == 4


def test_look_forward_takes_the_earliest_difference():
    # Tied at the last point; the first point where they differ decides (lowest: candidate 0),
    # where looking back to the latest difference would pick candidate 1.
    points = [np.array([1, 2]), np.array([3, 2]), np.array([3, 3])]
    ties = TieBreaker(seed=5)
    chosen = look_forward(ties, [0, 1], points, ["a", "b", "c"], 3, "exclusion", lowest=True)
    assert chosen == 0
    assert ties.records[-1].how == "look-forward to a"
    assert ties.look_back([0, 1], points, 3, "exclusion", lowest=True) == 1


def test_equal_at_every_point_goes_to_lot_recorded_with_seed():
    ballots = [(5, [0]), (3, [1]), (3, [2])]
    result = ers97.count(from_lists("ABC", ballots, seats=2), seed=11)
    lots = [t for t in result.tie_breaks if t.how == "lot"]
    assert lots and lots[0].tied == [1, 2]
    assert result.seed == 11
    again = ers97.count(from_lists("ABC", ballots, seats=2), seed=11)
    assert again.elected == result.elected


def test_rejects_options_and_too_many_seats():
    profile = from_lists("AB", [[0, 1]], seats=1)
    with pytest.raises(CountError, match="no options"):
        ers97.count(profile, fast=True)
    with pytest.raises(CountError, match="3 seats"):
        ers97.count(profile, 3)


def test_equal_candidates_for_the_last_place_are_not_elected_by_lot():
    # 20 valid, 2 places: quota 6.67. A's surplus 3.33 is all non-transferable; then the
    # total active vote is 20 - 3.33 - 6.67 = 10.00 and B and C, 5.00 each, both reach
    # 10.00 / 2 (5.3.13(b)) for one place. Equal at every point: neither is deemed elected
    # (5.6.2); one is excluded by lot (5.2.5) and the other fills the place (5.5.1).
    ballots = [(10, [0]), (5, [1]), (5, [2])]
    result = ers97.count(from_lists("ABC", ballots, seats=2), seed=4)
    assert totals(result, 2) == ["6.67", "5.00", "5.00"]
    assert any("5.6.2" in note for note in result.notes)
    # Elected here by the total active vote (5.3.13(b)), not the quota: the note says neither.
    (note,) = [n for n in result.notes if "5.6.2" in n]
    assert "B and C have equal votes (5.00), each enough to be deemed elected" in note
    assert "quota" not in note
    lots = [t for t in result.tie_breaks if t.how == "lot"]
    assert [(t.purpose, t.tied) for t in lots] == [("exclusion", [1, 2])]
    other = 3 - lots[0].chosen
    assert result.elected == [0, other]
    assert (result.stages[-1].excluded, result.stages[-1].elected) == ([lots[0].chosen], [other])


def test_a_two_way_tie_at_the_quota_is_explained_as_rule_5_6_2_says():
    from mutualise.counting import report, stages

    # Ann and Bob each have the quota (5.00 of 10 for one place) and were equal throughout.
    profile = from_lists(["Ann", "Bob"], [(5, [0]), (5, [1])], seats=1)
    result = get_method("ers97-stv")(profile, seed=1)
    (view,) = stages.explain(report.to_dict(result))
    winner = result.candidates[result.elected[0]]
    loser = ({"Ann", "Bob"} - {winner}).pop()
    text = " | ".join(view.reasons)
    # 5.6.2: equal at every point, neither is deemed elected on the quota at this stage ...
    assert (
        "Ann and Bob have equal votes (5.00), each enough to be deemed elected, with only 1 "
        "place left, and their votes were equal at the first stage and after every batch of "
        "papers: none of them is deemed elected at this stage (rule 5.6.2)"
    ) in view.reasons
    # ... so the lot excludes one (5.2.5) and the other fills the place (5.5.1), not the quota.
    assert f"{loser} excluded rather than {winner}: equal fewest votes, decided by lot" in text
    assert (
        f"{winner} elected: the continuing candidates equal the vacancies left (rule 5.5.1)" in text
    )
    assert "reached the quota" not in text
