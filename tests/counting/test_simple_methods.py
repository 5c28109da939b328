"""First past the post, approval, the alternative vote and yes/no votes on hand-worked cases."""

from fractions import Fraction

import pytest

from mutualise.counting import approval, irv, plurality, referendum
from mutualise.counting.ballots import from_lists
from mutualise.counting.methods import METHODS, get_method
from mutualise.counting.result import CountError

A, B, C, D = range(4)


def test_registry_names_every_method():
    for name in ("scottish-stv", "fptp", "approval", "irv", "referendum"):
        assert callable(METHODS[name])
    with pytest.raises(CountError, match="unknown counting method 'borda'"):
        get_method("borda")


def test_fptp_single_seat_reads_first_preferences():
    profile = from_lists("ABC", [(5, [A, B]), (4, [B, A]), (3, [C, B])])
    result = plurality.count(profile, seed=0)
    assert result.stages[0].totals == [5, 4, 3] and result.elected == [A]


def test_fptp_multi_seat_and_strict_x_ballots():
    profile = from_lists("ABCD", [(5, [A, B, C]), (4, [C, D]), (2, [D])], seats=2)
    result = plurality.count(profile, seed=0)
    assert result.stages[0].totals == [5, 5, 4, 6]  # first two preferences of each paper
    assert result.elected == [D, A] or result.elected == [D, B]
    assert result.tie_breaks[0].how == "lot"
    strict = plurality.count(profile, seed=0, strict=True)
    assert strict.invalid == 5  # three marks for two seats: void
    assert strict.stages[0].totals == [0, 0, 4, 6] and strict.elected == [D, C]


def test_approval_counts_every_mark():
    profile = from_lists("ABC", [(3, [A, B]), (2, [B, C]), (1, [C])], seats=1)
    result = approval.count(profile, seed=0)
    assert result.stages[0].totals == [3, 5, 3] and result.elected == [B]


def test_alternative_vote_excludes_until_a_majority():
    profile = from_lists("ABC", [(8, [A]), (7, [B, C]), (6, [C, B])])
    result = irv.count(profile, seed=0)
    assert [s.action for s in result.stages] == ["first", "exclusion"]
    assert result.stages[1].subjects == [C] and result.stages[1].totals == [8, 13, 0]
    assert result.elected == [B]


def test_alternative_vote_majority_of_continuing_papers():
    profile = from_lists("ABC", [(5, [A]), (4, [B]), (3, [C])])
    result = irv.count(profile, seed=0)
    # C's 3 papers exhaust: A's 5 is a majority of the 9 still in the count.
    assert result.elected == [A] and result.stages[1].non_transferable == 3
    with pytest.raises(CountError, match="one seat"):
        irv.count(profile, 2)


def test_alternative_vote_refuses_a_file_for_two_seats_rather_than_fill_one():
    # `mutualise count two-seats.blt -m irv` gave one winner for a two-seat election.
    profile = from_lists("ABC", [(6, [A, B]), (1, [B]), (2, [C])], seats=2)
    with pytest.raises(CountError, match="fills one seat, not 2"):
        irv.count(profile, seed=0)
    assert irv.count(profile, 1, seed=0).elected == [A]


@pytest.mark.parametrize(
    ("yes", "no", "options", "carried"),
    [
        (51, 49, {}, True),
        (50, 50, {}, False),  # a majority is more than half
        (2, 1, {"threshold": "2/3"}, True),  # at least two thirds
        (3, 1, {"threshold": "0.75", "comparison": "more-than"}, False),
        (60, 10, {"electorate": 200, "min_turnout": "1/2"}, False),  # 70 of 200 voted
        (60, 40, {"electorate": 200, "min_turnout": "1/2"}, True),
    ],
)
def test_referendum_thresholds(yes, no, options, carried):
    profile = from_lists(["Yes", "No"], [(yes, [0]), (no, [1])])
    result = referendum.count(profile, seed=0, **options)
    assert (result.extra["outcome"] == "carried") is carried
    assert result.elected == ([0] if carried else [])
    assert Fraction(result.extra["yes_share"]) == Fraction(yes, yes + no)


def test_referendum_finds_yes_by_name_and_rejects_nonsense():
    profile = from_lists(["No", "Yes"], [(3, [1]), (1, [0])])
    assert referendum.count(profile).extra["yes"] == 3
    with pytest.raises(CountError, match="2 options"):
        referendum.count(from_lists("ABC", [[0]]))
    with pytest.raises(CountError, match="threshold must be a fraction"):
        referendum.count(profile, threshold="most")
    with pytest.raises(CountError, match="needs the electorate"):
        referendum.count(profile, min_turnout="1/2")
    with pytest.raises(CountError, match="smaller than"):
        referendum.count(profile, electorate=2)


@pytest.mark.parametrize("method", ["scottish-stv", "fptp", "approval", "irv"])
def test_no_valid_ballots_is_an_error_not_a_lot(method):
    profile = from_lists("AB", [(3, [])])
    with pytest.raises(CountError, match="no valid ballots"):
        METHODS[method](profile, 1, seed=0)


def test_fptp_strict_option_from_the_command_line():
    profile = from_lists("ABC", [(2, [A, B]), (1, [C])])
    assert plurality.count(profile, seed=0, strict="false").invalid == 0
    assert plurality.count(profile, seed=0, strict="yes").invalid == 2
    with pytest.raises(CountError, match="strict must be true or false"):
        plurality.count(profile, strict="maybe")


def test_no_lot_when_everyone_tied_at_the_cut_is_elected():
    profile = from_lists("ABC", [(4, [A]), (4, [B]), (2, [C])], seats=2)
    result = plurality.count(profile, seed=0)
    assert result.elected == [A, B] and not result.tie_breaks
    three = plurality.count(from_lists("ABC", [(4, [A]), (4, [B]), (4, [C])], seats=2), seed=0)
    assert len(three.tie_breaks) == 2 and len(set(three.elected)) == 2
