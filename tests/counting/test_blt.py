"""The BLT reader and writer: every dialect in the conformance data, clear errors, round trips."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from counting_strategies import NAMES, profiles
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualise.counting.ballots import BallotError, from_lists
from mutualise.counting.blt import parse_blt, read_blt, read_cvr_csv, write_blt, write_cvr_csv

EDGE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "blt-edge-cases"
EDGE_FILES = sorted(p.name for p in EDGE.glob("*.blt"))


def same(a, b):
    assert a.candidates == b.candidates
    assert (a.seats, a.title, a.withdrawn, a.invalid) == (b.seats, b.title, b.withdrawn, b.invalid)
    assert sorted(a.grouped().ballots()) == sorted(b.grouped().ballots())


def test_edge_case_files_are_all_there():
    assert len(EDGE_FILES) == 25


@pytest.mark.parametrize("name", EDGE_FILES)
def test_edge_case_file_reads(name):
    profile = read_blt(EDGE / name)
    assert profile.n_ballots > 0
    assert len(profile.candidates) == profile.n_candidates
    assert profile.rankings.max() < profile.n_candidates
    same(parse_blt(write_blt(profile)), profile)


def test_byte_order_mark_and_non_ascii_names():
    plain, bom = read_blt(EDGE / "42u.blt"), read_blt(EDGE / "42ubom.blt")
    assert bom.candidates == ["Cåstor", "Pøllüx", "Hélen"]
    same(plain, bom)


def test_withdrawn_line_and_withdrawn_option_agree():
    negative, option = read_blt(EDGE / "SCw.blt"), read_blt(EDGE / "SCwopt.blt")
    assert negative.withdrawn == option.withdrawn == {3}
    assert read_blt(EDGE / "dk1-3-2.blt").withdrawn == {0, 4}


def test_nicknames_and_equal_rankings():
    profile = read_blt(EDGE / "eq2.blt")
    assert profile.has_equal_rankings
    ballots = dict((r, w) for w, r in profile.ballots())
    assert ballots[(0, 1, 2, 3)] == 5  # 5 a b=c d
    row = [k for k, (w, r) in enumerate(profile.ballots()) if r == (0, 1, 2, 3)][0]
    assert list(profile.levels[row][:4]) == [0, 1, 1, 2]
    # Statutory rules stop at the ambiguity: `a b=c d` counts as `a` only.
    assert (5, (0,)) in profile.strict_prefix().ballots()


def test_free_text_after_the_title_is_kept_as_notes():
    profile = read_blt(EDGE / "dk1-2.blt")
    assert profile.title.startswith("Dave Kadlecek")
    assert "A:  123 votes" in profile.options["notes"]


def test_scottish_dialects(shared_dir):
    ballots = shared_dir / "conformance" / "scottish-stv" / "ballots"
    quoted = read_blt(ballots / "aberdeen_2012_ward1.blt")
    assert quoted.candidates[0] == "Barney CROCKETT (Lab)"
    assert quoted.title == "Ward 1 - Dyce - Bucksburn - Danestone"
    commas = read_blt(ballots / "perth_kinross_2016_by_election_ward9.blt")
    assert commas.candidates[3] == "Wilma,LUMSDEN"
    assert commas.title == "Ward 9 - Almond and Earn"
    assert (786, (0,)) in commas.ballots()
    glasgow = read_blt(ballots / "glasgow_2007_anderston.blt")
    assert glasgow.candidates[0] == "Nina Baker (Grn)"
    assert glasgow.title == "Anderson ward"


def test_fast_and_line_by_line_readers_agree(shared_dir):
    text = (shared_dir / "conformance/scottish-stv/ballots/aberdeen_2017_ward1.blt").read_text()
    lines = text.splitlines()
    lines.insert(3, "# a comment forces the line-by-line reader")
    same(parse_blt("\n".join(lines)), parse_blt(text))


def test_blank_ballots_are_invalid_papers():
    profile = parse_blt('2 1\n3 1 0\n4 0\n2 2 1 0\n0\n"A"\n"B"\n"t"\n')
    assert profile.invalid == 4
    assert profile.n_ballots == 5


BAD = [
    ("", None, "empty file"),
    ("two 1\n", 1, "candidates seats"),
    ("2 3\n", 1, "3 seats but only 2 candidates"),
    ("2 0\n", 1, "seats must be at least 1"),
    ('2 1\n1 1 2\n0\n"A"\n"B"\n"t"\n', 2, "must end with 0"),
    ('2 1\n1 1 3 0\n0\n"A"\n"B"\n"t"\n', 2, "out of range"),
    ('2 1\n1 1 2 0\n1 2 2 0\n0\n"A"\n"B"\n"t"\n', 3, "ranked twice"),
    ('2 1\n1.5 1 2 0\n0\n"A"\n"B"\n"t"\n', 2, "positive whole number"),
    ('2 1\n0 1 2 0\n0\n"A"\n"B"\n"t"\n', 2, "positive whole number"),
    ('2 1\n1 1 x 0\n0\n"A"\n"B"\n"t"\n', 2, "not a candidate number"),
    ("2 1\n1 1 2 0\n", 2, "file ends before the `0` line"),
    ('2 1\n1 1 2 0\n0\n"A"\n', 3, "expected 2 candidate names"),
    ("2 1\n-3\n1 1 0\n0\n", 2, "out of range"),
    ("2 1\n[nick a]\n", 2, "[nick] names 1 of 2"),
    ('2 1\n[withdrawn 1 2]\n1 1 0\n0\n"A"\n"B"\n"t"\n', 1, "every candidate is withdrawn"),
    # A withdrawn line names each candidate -N: `-1 2` withdrew candidate 2 too, silently, and
    # a negative weight `-1 1 0` was read as one and refused as "candidate 0 is out of range".
    ('3 1\n-1 2\n1 3 0\n0\n"A"\n"B"\n"C"\n"t"\n', 2, "withdrawn candidates are written -N"),
    ('2 1\n-1 1 0\n1 2 0\n0\n"A"\n"B"\n"t"\n', 2, "a ballot weight cannot be negative"),
    # A name `""` was read as an empty name: "Elected, in order: " with nobody named.
    ('2 1\n2 1 0\n1 2 0\n0\n""\n"A"\n"t"\n', 5, "a candidate's name is empty"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD)
def test_bad_files_are_rejected_with_the_line(text, line, message):
    with pytest.raises(BallotError) as caught:
        parse_blt(text, source="bad.blt")
    assert message in str(caught.value)
    assert caught.value.line == line
    assert str(caught.value).startswith("bad.blt:")


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(BallotError, match="cannot read"):
        read_blt(tmp_path / "missing.blt")
    latin = tmp_path / "latin.blt"
    latin.write_bytes(b'1 1\n1 1 0\n0\n"Ren\xe9"\n"t"\n')
    with pytest.raises(BallotError, match=r"latin.blt:4: not UTF-8"):
        read_blt(latin)


# Names unique: a file naming two candidates alike is refused.
@given(
    profiles(),
    st.lists(NAMES, min_size=7, max_size=7, unique=True),
    NAMES,
    st.sets(st.integers(0, 6)),
)
def test_round_trip(profile, names, title, withdrawn):
    profile.candidates = names[: profile.n_candidates]
    profile.title = title
    profile.withdrawn = frozenset(w for w in withdrawn if w < profile.n_candidates - 1)
    text = write_blt(profile)
    same(parse_blt(text), profile)
    # the line-by-line reader (forced by a comment) reads the same profile as the fast path
    same(parse_blt(text.replace("\n", "\n# comment\n", 1)), profile)


# Files on disk: slow on a loaded machine, so no per-example deadline.
@settings(deadline=None)
@given(profiles())
def test_csv_round_trip(profile):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cvr.csv"
        path.write_text(write_cvr_csv(profile))
        back = read_cvr_csv(
            path, candidates=profile.candidates, seats=profile.seats, title="generated"
        )
    same(back, profile)


def test_csv_errors_name_the_line(tmp_path):
    path = tmp_path / "cvr.csv"
    path.write_text("weight,rank 1,rank 2\n2,A,B\n1,B,B\n")
    with pytest.raises(BallotError, match=r"cvr.csv:3: 'B' is ranked twice"):
        read_cvr_csv(path)
    path.write_text("weight,rank 1\nx,A\n")
    with pytest.raises(BallotError, match=r"cvr.csv:2: weight"):
        read_cvr_csv(path)


def test_from_lists_groups_identical_rankings():
    profile = from_lists(["A", "B", "C"], [[0, 1], [0, 1], (3, [2]), []])
    assert sorted(profile.ballots()) == [(2, (0, 1)), (3, (2,))]
    assert profile.invalid == 1
    assert profile.weights.dtype == np.int64
    with pytest.raises(BallotError, match="ranked twice"):
        from_lists(["A", "B"], [[0, 0]])
    with pytest.raises(BallotError, match="out of range"):
        from_lists(["A", "B"], [[2]])


BLT_PIECES = st.sampled_from(list('0123456789 \n-=#[]"abx,\t²') + ["\ufeff", "\r\n", " 0\n"])


@given(st.lists(BLT_PIECES, max_size=80).map("".join))
def test_any_text_is_read_or_rejected_with_a_ballot_error(text):
    try:
        profile = parse_blt(text)
    except BallotError as exc:
        assert exc.line is None or exc.line >= 1
        return
    assert profile.rankings.shape[0] == profile.weights.shape[0]
    same(parse_blt(write_blt(profile)), profile)


@given(
    st.lists(
        st.sampled_from(["2 1", "3 1 2 0", "1 2 0", "0", "2 0", '"A"', '"B"', "t", "1 1 1 0"]),
        max_size=8,
    )
)
def test_any_arrangement_of_plausible_lines(lines):
    try:
        profile = parse_blt("\n".join(lines))
    except BallotError as exc:
        assert exc.line is None or 1 <= exc.line <= max(len(lines), 1)
        return
    same(parse_blt(write_blt(profile)), profile)


def test_a_tie_order_line_is_kept_with_its_line():
    profile = read_blt(EDGE / "42t.blt")
    assert profile.options["tie"] == ["3", "2", "1"]
    assert profile.options["tie_at"] == [str(EDGE / "42t.blt"), "2"]


@pytest.mark.parametrize(
    "line, message",
    [
        ("[tie 3 2 9]", "candidate 9 is out of range 1..3"),
        ("[tie 3 2 3]", "names candidate 3 twice"),
    ],
)
def test_a_bad_tie_order_line_is_refused_naming_it(line, message):
    text = f'3 1\n{line}\n1 1 0\n0\n"A"\n"B"\n"C"\n"T"\n'
    with pytest.raises(BallotError, match=rf"vote.blt:2: .*{message}"):
        parse_blt(text, source="vote.blt")


@pytest.mark.parametrize(
    "names, line, first",
    [
        ('"Ann"\n"Bob"\n"Ann"\n"T"\n', 7, 5),  # quoted, with a title
        ("Ann\nBob\nAnn\n", 7, 5),  # unquoted, no title
        ('"Lab ""Ann"" "\n"Bob"\n"Ann (Lab)"\n"T"\n', 7, 5),  # the same name as shown
    ],
)
def test_two_candidates_of_one_name_are_refused_naming_the_line_and_name(names, line, first):
    text = "3 1\n1 1 0\n1 2 0\n0\n" + names
    with pytest.raises(BallotError) as caught:
        parse_blt(text, source="vote.blt")
    assert str(caught.value).startswith(f"vote.blt:{line}: candidate name 'Ann")
    assert f"first at line {first}" in str(caught.value)


@pytest.mark.parametrize(
    "first, second",
    [
        ("Ann Able", "\u0410nn Able"),  # Cyrillic capital A
        ("Ann Able", "ann  ABLE"),  # case and spacing
        ("Ann Able", "\uff21nn Able"),  # a fullwidth A
        ("Ann Able", "Ann\u200b Able"),  # a zero-width space
        ("Pat Cox", "\u0420at \u0421\u043e\u0445"),  # Cyrillic Er, Es, o, ha
        ("Helen Kemp", "\u0397elen Kemp"),  # Greek capital eta
    ],
)
def test_two_candidates_whose_names_look_alike_are_refused_naming_both_and_the_line(first, second):
    text = f"3 1\n1 1 0\n0\n{first}\nBob\n{second}\nThe title\n"
    with pytest.raises(BallotError) as caught:
        parse_blt(text, source="vote.blt")
    message = str(caught.value)
    assert message.startswith(f"vote.blt:6: candidate name {second!r} cannot be told apart")
    assert f"from {first!r} (line 4)" in message


def test_a_refused_look_alike_names_the_characters_that_differ():
    text = "2 1\n1 1 0\n0\nAnn Able\nAnn Abl\u0435\n"
    with pytest.raises(BallotError, match="U\\+0435 CYRILLIC SMALL LETTER IE"):
        parse_blt(text, source="vote.blt")


def test_names_that_differ_in_an_accent_or_a_letter_both_stand():
    profile = parse_blt("3 1\n1 1 0\n0\nZo\u00eb Ray\nZoe Ray\nAnn B. Able\nT\n")
    assert profile.candidates == ["Zo\u00eb Ray", "Zoe Ray", "Ann B. Able"]


def test_alternative_names_given_twice_are_refused():
    text = "2 1\n1 1 0\n0\n# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: Ann\n"
    with pytest.raises(BallotError, match="vote.blt:5: candidate name 'Ann' is given twice"):
        parse_blt(text, source="vote.blt")
