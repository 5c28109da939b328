"""Bad ballot files: refused with a clear error naming the line, never a crash, a hang or a wrong
count. Every file under data/ is a case that once crashed, hung or miscounted (found by hand or
by the fuzzers below); each must now be refused by the reader and by `mutualise count`."""

import argparse
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualise.counting import cli
from mutualise.counting.ballots import MAX_BALLOTS, BallotError, Profile, from_lists
from mutualise.counting.blt import parse_blt, read_blt
from mutualise.counting.cvr import parse_cvr_csv, read_cvr_csv
from mutualise.counting.stv import scottish

pytestmark = pytest.mark.pure

DATA = Path(__file__).parent / "data"

# file -> (line named, words the message must contain)
EXPECTED = {
    "weight-overflow-int64.blt": (2, "more than the 100,000,000 ballots"),
    "weight-clamped-1e20.blt": (2, "more than the 100,000,000 ballots"),
    "total-beyond-limit.blt": (3, "add up to more than the 100,000,000"),
    "header-100-million-candidates.blt": (1, "at most 1,000 can stand"),
    "header-huge-number.blt": (1, "at most 1,000 can stand"),
    "header-5000-digits.blt": (1, "at most 1,000 can stand"),
    "weight-5000-digits.blt": (2, "more than the 100,000,000 ballots"),
    "candidate-5000-digits.blt": (2, "out of range 1..2"),
    "alternative-name-5000-digits.blt": (None, None),  # harmless comment: reads fine
    # A name or title with U+202E or an escape sequence turned a result line back to front or
    # acted on the terminal showing it (the CSV reader already refused controls).
    "name-bidi-override.blt": (4, "has a control character"),
    "title-escape-sequence.blt": (7, "has a control character"),
    "weight-overflow.csv": (2, "more than the 100,000,000 ballots"),
    "weight-5000-digits.csv": (2, "more than the 100,000,000 ballots"),
    "nul-byte.csv": (3, "has a control character"),
    "field-too-large.csv": (3, "not readable as CSV"),
    "too-many-candidates.csv": (1002, "more than 1,000 candidates"),
    "not-utf8.csv": (3, "not UTF-8"),
    "too-many-rank-columns.csv": (1, "1,201 rank columns: at most 1,000 candidates"),
}


def read(path: Path) -> Profile:
    return read_cvr_csv(path) if path.suffix == ".csv" else read_blt(path)


def test_every_regression_file_has_an_expectation():
    assert sorted(p.name for p in DATA.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_regression_file_is_refused_naming_the_line(name):
    line, words = EXPECTED[name]
    path = DATA / name
    if line is None:
        read(path)
        return
    with pytest.raises(BallotError) as caught:
        read(path)
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert len(str(caught.value)) < 300  # the message quotes at most a little of the file


def run_count(capsys, *argv):
    parser = argparse.ArgumentParser(prog="mutualise")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["count", *argv])
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_mutualise_count_reports_every_bad_file_and_counts_the_rest(capsys):
    good = str(Path(__file__).resolve().parents[3] / "shared/conformance/blt-edge-cases/42.blt")
    files = [str(DATA / name) for name, (line, _) in sorted(EXPECTED.items()) if line]
    code, out, err = run_count(capsys, good, *files, "--format", "jsonl")
    rows = [json.loads(row) for row in out.splitlines()]
    assert code == 1
    assert "elected" in rows[0]
    for row, path in zip(rows[1:], files, strict=True):
        line, words = EXPECTED[Path(path).name]
        assert row["file"] == path
        assert row["error"].startswith(f"{path}:{line}: ") and words in row["error"]
    assert f"{len(files)} of {len(files) + 1} files could not be counted" in err


def test_two_huge_weights_no_longer_elect_two_for_one_seat():
    with pytest.raises(BallotError, match="more than the 100,000,000"):
        parse_blt("2 1\n5000000000000000000 1 0\n5000000000000000000 2 0\n0\nA\nB\nt\n")


def test_the_largest_countable_profile_is_counted_exactly():
    from mutualise.counting.methods import get_method

    half = MAX_BALLOTS // 2
    profile = from_lists("ABC", [(half, [0, 1]), (half - 1, [1, 2]), (1, [2])], seats=2)
    for method in ("scottish-stv", "ers97-stv", "nhs-mer-stv", "meek-stv", "wigm-stv", "irv"):
        result = get_method(method)(profile, 1 if method == "irv" else None, seed=1)
        assert result.valid_poll == MAX_BALLOTS, method
        last = result.stages[-1]
        # No total goes negative or past the whole poll (what int64 overflow would do).
        assert all(0 <= t <= MAX_BALLOTS for t in last.totals), method


def test_profiles_built_in_python_are_held_to_the_same_limits():
    with pytest.raises(BallotError, match="weight must be 1..100,000,000"):
        from_lists("AB", [(MAX_BALLOTS + 1, [0])])
    with pytest.raises(BallotError, match="more than 100,000,000 ballots"):
        from_lists("AB", [(MAX_BALLOTS, [0]), (1, [1])])
    with pytest.raises(BallotError, match="at most 1,000 can stand"):
        from_lists([f"C{k}" for k in range(1001)], [[0]])


# -- fuzzing: whatever the bytes, a Profile or a BallotError ----------------------------------

TOKENS = st.sampled_from(
    ["0", "1", "2", "3", "-1", "-2", "1=2", "2=", "=", "00", "007", "4294967296",
     "9223372036854775808", "9" * 30, "#", "# c", "[nick a b]", "[withdrawn 1]", "[tie 1 2]",
     "[", "]", '"A"', '"', '""', ",", "\t", "\ufeff", "é", "1,", "-", "+1", "1e3", "٣"]
)  # fmt: skip
LINES = st.lists(TOKENS, max_size=6).map(" ".join)
HEADERS = st.sampled_from(["2 1", "3 2", "1 1", "0 1", "2 0", "3 4", "1000 1", "1001 1", "2"])
BLT_TEXT = st.one_of(
    st.text(max_size=200),
    st.tuples(HEADERS, st.lists(LINES, max_size=12)).map(lambda t: "\n".join([t[0], *t[1]])),
    st.tuples(HEADERS, st.lists(LINES, max_size=6), st.lists(st.text(max_size=8), max_size=4)).map(
        lambda t: "\n".join([t[0], *t[1], "0", *t[2]])
    ),
)
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(BLT_TEXT)
def test_fuzz_blt_reader(text):
    try:
        profile = parse_blt(text, source="fuzz.blt")
    except BallotError as exc:
        assert str(exc).startswith("fuzz.blt")
    else:
        assert profile.n_candidates <= 1000 and profile.n_ballots <= MAX_BALLOTS


CELLS = st.one_of(
    st.sampled_from(["A", "B", "C", "", " ", "1", "0", "9" * 25, '"', "a,b", "\x00", "\r"]),
    st.text(alphabet=string.printable, max_size=6),
)
CSV_TEXT = st.one_of(
    st.text(max_size=200),
    st.tuples(
        st.sampled_from(["weight,rank 1,rank 2", "rank 1,rank 2,rank 3", "rank1", "weight", ""]),
        st.lists(st.lists(CELLS, max_size=4).map(",".join), max_size=10),
    ).map(lambda t: "\n".join([t[0], *t[1]])),
)


@FUZZ
@given(CSV_TEXT, st.integers(1, 3))
def test_fuzz_cvr_reader(text, seats):
    try:
        profile = parse_cvr_csv(text, source="fuzz.csv", seats=seats)
    except BallotError as exc:
        assert str(exc).startswith("fuzz.csv")
    else:
        assert profile.n_ballots <= MAX_BALLOTS


@pytest.mark.parametrize(
    "option, words",
    [
        ("electorate=x", "electorate must be a whole number, not 'x'"),
        ("threshold=abc", "threshold must be a fraction"),
        ("threshold=1/0", "threshold must be a fraction"),
    ],
)
def test_mutualise_count_refuses_a_bad_option_value(capsys, tmp_path, option, words):
    from mutualise.cli import CommandError

    path = tmp_path / "yes-no.blt"
    path.write_text('2 1\n3 1 0\n2 2 0\n0\n"Yes"\n"No"\n"t"\n')
    with pytest.raises(CommandError, match=words):
        run_count(capsys, str(path), "-m", "referendum", "-o", option)


def test_the_largest_field_reads_every_preference(tmp_path):
    # 1,000 candidates, every one ranked, on the line-by-line path (an equal ranking forces
    # it): membership is checked in a set, so this takes a moment, not minutes.
    n = 1000
    every = " ".join(str(k) for k in range(1, n + 1))
    names = "".join(f'"C{k}"\n' for k in range(n))
    text = f"{n} 1\n1 1=2 {every[4:]} 0\n" + f"1 {every} 0\n" * 200 + "0\n" + names + '"t"\n'
    profile = parse_blt(text)
    assert profile.n_candidates == n and profile.n_ballots == 201
    assert profile.rankings.shape == (201, n)


@pytest.mark.parametrize("equal", [False, True])  # the fast path, and the line-by-line one
def test_one_long_line_among_many_short_ones_is_refused_before_allocating(equal):
    # 100,001 one-preference lines and one ranking all 1,000 candidates: padded, 100,002,000
    # cells (400 MB) from a 600 kB file.
    n = 1000
    first = (
        "1 1=2 " + " ".join(str(k) for k in range(3, n + 1))
        if equal
        else "1 " + " ".join(str(k) for k in range(1, n + 1))
    )
    text = f"{n} 1\n" + "1 1 0\n" * 100_001 + first + " 0\n0\n"
    with pytest.raises(BallotError, match="100,002,000 cells; at most 100,000,000") as caught:
        parse_blt(text, source="wide.blt")
    if not equal:
        assert caught.value.line == 100_003  # the long line itself


def test_cvr_rank_columns_are_read_in_rank_order_not_column_order():
    # `rank 2,rank 1` read the rank 2 column as the first preference: A won, not B.
    profile = parse_cvr_csv("rank 2,rank 1\nA,B\nA,B\nC,B\nA,C\n", source="order.csv")
    assert scottish.count(profile, seed=0).elected == [profile.candidates.index("B")]
    with pytest.raises(BallotError, match=r"order.csv:1: .* more than one `rank 1` column"):
        parse_cvr_csv("rank 1,Rank 1\nA,B\n", source="order.csv")
