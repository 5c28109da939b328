"""A reviewer's attack on the counting core (issue 12): each defect found, as a test.

Tests marked xfail(strict=True) fail today and pass once the defect is fixed (then drop the mark).
The rest were fixed with the review and stay as regressions.
"""

import argparse

import pytest

from mutualise.counting import cli, report
from mutualise.counting.blt import parse_blt
from mutualise.counting.methods import get_method
from mutualise.counting.result import CountError
from mutualise.counting.stages import explain

NAMES = '"A"\n"B"\n"C"\n"D"\n"T"\n'


def reasons(result) -> dict[int, list[str]]:
    return {view.number: view.reasons for view in explain(report.to_dict(result))}


def run_cli(capsys, *argv):
    parser = argparse.ArgumentParser(prog="mutualise")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["count", *argv])
    try:
        code = args.handler(args)
    except Exception as exc:  # CommandError: the run stopped
        code = f"stopped: {exc}"
    out, err = capsys.readouterr()
    return code, out, err


# -- BLT reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\x1c", "\x0c"])
def test_a_unicode_line_separator_inside_a_name_does_not_shift_the_names(separator):
    # str.splitlines() broke lines at these too: the name "A<sep>B" became two names, every
    # later name moved up one and the last candidate's name was read as the title.
    text = f'3 1\n2 1 2 0\n1 3 0\n0\n"A{separator}B"\n"C"\n"D"\n"Title"\n'
    if separator < " ":  # a control character: the name is refused, naming its own line
        with pytest.raises(ValueError, match=r"sep\.blt:5: name .* has a control character"):
            parse_blt(text, source="sep.blt")
        return
    profile = parse_blt(text, source="sep.blt")
    assert profile.candidates == [f"A{separator}B", "C", "D"]
    assert profile.title == "Title"


def test_a_vertical_tab_does_not_split_a_ballot_line_in_two():
    with pytest.raises(ValueError, match=r"vt\.blt:2:"):
        parse_blt('3 1\n1 1 2 0\x0b1 2 0\n0\n"A"\n"B"\n"C"\n"T"\n', source="vt.blt")


# -- zero valid ballots -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["meek", "wigm", "ers97", "nhs-mer-stv"])
def test_every_stv_rule_refuses_a_count_with_no_valid_ballot(method):
    profile = parse_blt('3 1\n0\n"A"\n"B"\n"C"\n"T"\n', source="zero.blt")
    with pytest.raises(CountError, match="no valid ballots to count"):
        get_method(method)(profile, None, seed=1)


# -- the stage explanations ---------------------------------------------------------------------


def test_a_final_exclusion_folded_into_the_last_stage_is_not_called_a_bulk_exclusion():
    # 5 candidates, 3 seats: B and C elected at stage 1 (by lot for the order), their surpluses
    # at stages 2-3, then D excluded; E (tied with A, decided by look-forward) goes without
    # transfer because A alone is left for the last place.
    text = "5 3\n5 2 3 5 1 4 0\n1 2 5 4 3 0\n6 3 1 4 2 5 0\n0\n" + '"A"\n"B"\n"C"\n"D"\n"E"\n"T"\n'
    result = get_method("nhs-mer-stv")(parse_blt(text, source="fold.blt"), None, seed=1)
    last = result.stages[-1]
    assert last.action == "exclusion" and len(last.excluded) == 2  # D, and E without transfer
    said = " ".join(reasons(result)[last.number])
    assert "excluded together" not in said
    assert (
        "E excluded without further transfer: the continuing candidates equal the places left "
        "(rule 52(1))" in said
    )
    assert "D excluded with the fewest votes" in said


def test_ers97_active_vote_election_is_said_as_the_rule_says_it():
    # ERS97 5.3.13(b): "equals or exceeds ... the total active vote, divided by one more than
    # the number of places not yet filled". B has exactly 4.00 of an active vote of 8.00 with
    # one place left: elected, and the words must not say "more than".
    text = "4 2\n10 1 0\n4 2 0\n2 3 0\n2 4 0\n0\n" + NAMES
    result = get_method("ers97")(parse_blt(text, source="active.blt"), None, seed=1)
    assert result.elected == [0, 1]
    said = reasons(result)[2]
    assert any(r.startswith("B elected: at least the total active vote") for r in said), said


def test_ers97_bulk_exclusion_at_equality_is_not_said_to_be_fewer():
    # D 3 + E 2 = 5, equal to C's 5: excluded together under ERS97 5.2.5.
    text = "5 2\n8 1 0\n7 2 0\n5 3 0\n3 4 2 0\n2 5 1 0\n0\n" + NAMES.replace('"T"', '"E"\n"T"')
    result = get_method("ers97")(parse_blt(text, source="bulk.blt"), None, seed=1)
    assert sorted(result.stages[1].excluded) == [3, 4]
    said = " ".join(reasons(result)[2])
    assert "fewer than" not in said
    assert "do not exceed the vote of the candidate next above (rule 5.2.5)" in said


# -- `mutualise count` over many files ------------------------------------------------------------


def bad_and_good(tmp_path):
    (tmp_path / "a_bad.blt").write_text("3 1\n1 1 2 0\n1 2")
    (tmp_path / "b_good.blt").write_text('3 1\n2 1 2 0\n1 2 0\n0\n"A"\n"B"\n"C"\n"T"\n')
    return tmp_path


def test_count_over_a_directory_counts_each_file_and_reports_the_bad_one(tmp_path, capsys):
    folder = bad_and_good(tmp_path)
    code, out, _ = run_cli(capsys, str(folder), "--format", "jsonl", "--seed", "1")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2
    assert "a_bad.blt:3: ballot line must end with 0" in lines[0]
    assert '"elected": [1]' in lines[1]


def test_count_text_format_reports_a_bad_file_and_goes_on(tmp_path, capsys):
    folder = bad_and_good(tmp_path)
    files = [str(folder / "a_bad.blt"), str(folder / "b_good.blt")]
    code, out, err = run_cli(capsys, *files, "--seed", "1")
    assert "Elected, in order: A" in out  # the good file after the bad one is counted
    assert code == 1 and "a_bad.blt:3" in err


# -- memory -------------------------------------------------------------------------------------


def test_reading_a_large_blt_costs_at_most_ten_times_its_size(tmp_path):
    import itertools
    import tracemalloc

    from mutualise.counting.blt import read_blt

    lines = itertools.islice(itertools.cycle(["1 1 2 0\n", "1 3 0\n", "1 2 3 1 0\n"]), 200_000)
    path = tmp_path / "large.blt"
    path.write_text("3 1\n" + "".join(lines) + '0\n"A"\n"B"\n"C"\n"Large"\n')
    tracemalloc.start()
    try:
        profile = read_blt(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert profile.n_ballots == 200_000
    assert peak < 10 * path.stat().st_size, f"peak {peak / path.stat().st_size:.1f}x the file"


def test_a_meek_near_tie_is_not_called_equal_votes():
    from mutualise.counting.ballots import from_lists

    ballots = [(3, (0, 4)), (25, (1,)), (15, (2,)), (2, (2, 0, 1)), (22, (3, 0, 4, 1)), (9, (4, 3))]
    profile = from_lists(list("ABCDE"), ballots, seats=3)
    result = get_method("meek")(profile, None, seed=1)
    (tie,) = [t for t in result.tie_breaks if t.purpose == "exclusion"]
    before = result.stages[tie.stage - 2]
    assert len({before.totals[c] for c in tie.tied}) == 2  # a near-tie, not an exact one
    said = [r for r in reasons(result)[tie.stage] if "rather than" in r]
    assert said and "equal fewest votes" not in said[0], said
    assert "differ by 0.000000490, less than the surplus still to distribute (step B.3)" in said[0]


# -- the cast-vote CSV reader -------------------------------------------------------------------


def test_a_cvr_row_longer_than_the_header_is_refused_naming_its_line(tmp_path):
    from mutualise.counting.ballots import BallotError
    from mutualise.counting.cvr import read_cvr_csv

    path = tmp_path / "ragged.csv"
    path.write_text("rank 1,rank 2\nA,B\nB,A,C\n")
    with pytest.raises(BallotError, match=r"ragged\.csv:3:"):
        read_cvr_csv(path)
