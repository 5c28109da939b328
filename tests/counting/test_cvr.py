"""Cast-vote records as CSV (`counting/cvr.py`): what the attack review of issue 12 found."""

import pytest

from mutualise.counting.ballots import BallotError
from mutualise.counting.cvr import parse_cvr_csv

pytestmark = pytest.mark.pure


def test_a_quote_left_open_by_a_truncated_file_is_refused_naming_its_line():
    # The CSV reader took `"A,B` and the end of the file as one name, 'A,B', and counted it.
    with pytest.raises(BallotError, match=r"cut\.csv:3: not readable as CSV: unexpected end"):
        parse_cvr_csv('rank 1,rank 2\nA,B\n"A,B\n', source="cut.csv")


@pytest.mark.parametrize("column", ["rank  1", "Rank-1", "rank_1", "rank 1234567", "rank 1a"])
def test_a_column_meant_as_a_rank_is_refused_not_passed_over(column):
    # `rank  1` (two spaces) was not a rank column: every first preference was dropped and
    # the count went on the second preferences alone.
    with pytest.raises(BallotError, match=r"x\.csv:1: column .* is not written `rank N`"):
        parse_cvr_csv(f"{column},rank 2\nA,B\nA,B\nB,A\n", source="x.csv")


def test_a_second_weight_column_is_refused():
    # The first was used and the second passed over without a word.
    with pytest.raises(BallotError, match=r"x\.csv:1: .* more than one `weight` column"):
        parse_cvr_csv("weight,rank 1,weight\n1,A,5\n", source="x.csv")


def test_the_elections_apps_preference_columns_are_read():
    # `mutualise election export-ballots --format csv` writes `preference 1`, `preference 2`...
    profile = parse_cvr_csv("preference 1,preference 2\nA,B\nB,\nA,\n", source="x.csv")
    assert profile.candidates == ["A", "B"]
    assert sorted(profile.ballots()) == [(1, (0,)), (1, (0, 1)), (1, (1,))]


def test_a_name_with_a_bidi_override_is_refused():
    with pytest.raises(BallotError, match=r"x\.csv:2: .* has a control character"):
        parse_cvr_csv("rank 1\n\u202eA\n", source="x.csv")


@pytest.mark.parametrize("second", ["\u0410nn Able", "ann able", "Ann\u200b Able"])
def test_a_name_that_only_looks_like_anothers_is_refused_naming_both_and_the_lines(second):
    # Read as a new candidate, it took some of Ann Able's votes as someone else's.
    text = f"rank 1,rank 2\nAnn Able,Bob\nBob,{second}\n"
    with pytest.raises(BallotError) as caught:
        parse_cvr_csv(text, source="x.csv")
    assert str(caught.value).startswith(
        f"x.csv:3: candidate name {second!r} cannot be told apart from 'Ann Able' (line 2)"
    )
