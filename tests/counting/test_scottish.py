"""Scottish STV on small elections worked by hand from the rules' text."""

from decimal import ROUND_DOWN, Decimal
from pathlib import Path

import pytest

from mutualise.counting.ballots import from_lists
from mutualise.counting.blt import read_blt
from mutualise.counting.result import CountError
from mutualise.counting.stv.scottish import count
from mutualise.counting.ties import draw_position, with_all_outcomes

EDGE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "blt-edge-cases"
A, B, C, D = range(4)


def five_dp(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.00001"), rounding=ROUND_DOWN)


def totals(result, stage):
    return [str(v) for v in result.stages[stage - 1].totals]


def test_surplus_transfer_value_is_truncated_per_paper():
    profile = from_lists(
        "ABCD", [(60, [A, B]), (30, [A, C]), (10, [B]), (25, [C]), (20, [D, C])], seats=2
    )
    result = count(profile, seed=0)
    assert result.valid_poll == 145 and result.quota == 49  # 145 / 3 = 48.3, + 1, floor
    value = five_dp(Decimal(41) / Decimal(90))  # surplus 41 over A's 90 papers
    assert value == Decimal("0.45555")
    assert totals(result, 2) == ["49.00000", str(10 + 60 * value), str(25 + 30 * value), "20.00000"]
    assert result.stages[2].action == "exclusion" and result.stages[2].subjects == [D]
    assert result.elected == [A, C]
    assert result.stages[1].loss == Decimal(41) - 90 * value


def test_a_second_surplus_multiplies_the_value_the_paper_arrived_with():
    profile = from_lists("ABCD", [(60, [A, B, C]), (10, [B, C]), (5, [C]), (8, [D])], seats=3)
    result = count(profile, seed=0)
    assert result.quota == 83 // 4 + 1 == 21
    first_value = five_dp(Decimal(60 - 21) / 60)
    b_total = 10 + 60 * first_value
    assert result.stages[1].totals[B] == b_total == 49
    # B's surplus: each paper at surplus x the value it arrived with / B's total.
    surplus = b_total - 21
    from_a = five_dp(surplus * first_value / b_total)
    from_b = five_dp(surplus * 1 / b_total)
    assert (from_a, from_b) == (Decimal("0.37142"), Decimal("0.57142"))
    assert result.stages[2].subjects == [B]
    assert result.stages[2].totals[C] == 5 + 60 * from_a + 10 * from_b
    assert result.elected == [A, B, C]


def test_exclusion_tie_looks_back_to_an_earlier_stage():
    profile = from_lists("ABCD", [(20, [A]), (5, [B]), (4, [C]), (1, [D, C])], seats=2)
    result = count(profile, seed=0)
    assert totals(result, 3)[1:3] == ["5.00000", "5.00000"]  # B and C equal after D goes
    tie = result.tie_breaks[0]
    assert (tie.purpose, tie.tied, tie.chosen, tie.how) == (
        "exclusion",
        [B, C],
        C,
        "look-back to stage 2",
    )
    assert result.elected == [A, B]


def test_a_tie_at_every_stage_is_decided_by_a_seeded_lot():
    profile = from_lists("ABC", [(10, [A]), (3, [B]), (3, [C])], seats=2)
    for seed in range(6):
        result = count(profile, seed=seed)
        tie = result.tie_breaks[0]
        assert tie.how == "lot" and tie.draw == 0 and result.seed == seed
        assert tie.chosen == [B, C][draw_position(seed, 0, 2)]
        assert result.elected == [A, C if tie.chosen == B else B]
        assert count(profile, seed=seed).elected == result.elected


def test_all_ties_lists_every_outcome():
    profile = from_lists("ABC", [(10, [A]), (3, [B]), (3, [C])], seats=2)
    result = with_all_outcomes(count, profile, None, seed=1)
    assert sorted(tuple(o["elected"]) for o in result.outcomes) == [(A, B), (A, C)]


def test_withdrawn_candidates_are_skipped():
    profile = from_lists("ABC", [(10, [B, A]), (6, [A]), (5, [C])], seats=1, withdrawn=[B])
    result = count(profile, seed=0)
    assert result.stages[0].totals[B] == 0
    assert result.stages[0].totals[A] == 16
    assert result.elected == [A]


def test_last_vacancies_filled_without_further_transfer():
    # Rule 52(1): once continuing candidates equal the vacancies, they are elected.
    profile = from_lists("ABC", [(7, [A]), (3, [B]), (2, [C])], seats=2)
    result = count(profile, seed=0)
    assert result.elected == [A, B] and len(result.stages) == 3
    assert result.stages[-1].action == "exclusion"


def test_equal_rankings_end_a_papers_preferences():
    result = count(read_blt(EDGE / "eq1.blt"), seed=0)
    assert result.valid_poll == 8 and result.invalid == 1  # `1 b=c 0` has no clear first choice


def test_seats_are_checked():
    profile = from_lists("AB", [[A]])
    with pytest.raises(CountError, match="3 seats but only 2"):
        count(profile, 3)
    with pytest.raises(CountError, match="at least 1"):
        count(profile, 0)
    with pytest.raises(CountError, match="no options"):
        count(profile, 1, precision=3)
