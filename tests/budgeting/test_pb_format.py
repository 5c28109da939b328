"""Reading and writing pabulib .pb files: the variants real files use, and clear errors."""

from fractions import Fraction

import pytest

from mutualise.budgeting.pb import PbError, parse_pb, read_pb, write_pb

GOOD = """META
key;value
description;"A ""quoted""; description"
budget;1000.50
vote_type;cumulative
rule;greedy
PROJECTS
project_id;cost;name;selected;votes
c1;500.25;"Park; with ""swings"" here";1;2
c2;300;Łąka;0;1
VOTES
voter_id;vote;points;age
v1;c1,c2;3,2;30
v2;c1;5;41
"""


def test_reads_quoting_decimals_extra_columns_and_text_ids():
    inst = parse_pb(GOOD)
    assert inst.meta["description"] == 'A "quoted"; description'
    assert inst.budget == Fraction("1000.50")
    assert [p.id for p in inst.projects] == ["c1", "c2"]
    assert inst.projects[0].cost == Fraction(50025, 100)
    assert inst.projects[0].name == 'Park; with "swings" here'
    assert inst.projects[1].name == "Łąka"
    assert inst.votes[0].projects == ("c1", "c2")
    assert inst.votes[0].points == (3, 2)
    assert inst.votes[1].fields["age"] == "41"
    assert inst.official_selection() == ["c1"]


def test_write_then_read_gives_the_same_data():
    inst = parse_pb(GOOD)
    again = parse_pb(write_pb(inst))
    assert again.meta == inst.meta
    assert [(p.id, p.cost, p.name, p.fields) for p in again.projects] == [
        (p.id, p.cost, p.name, p.fields) for p in inst.projects
    ]
    assert [(v.voter_id, v.projects, v.points) for v in again.votes] == [
        (v.voter_id, v.projects, v.points) for v in inst.votes
    ]


def test_every_conformance_file_round_trips(shared_dir):
    for path in sorted((shared_dir / "conformance" / "pabulib").glob("*.pb"))[:6]:
        inst = read_pb(path)
        again = parse_pb(write_pb(inst))
        assert [(p.id, p.cost) for p in again.projects] == [(p.id, p.cost) for p in inst.projects]
        assert [v.projects for v in again.votes] == [v.projects for v in inst.votes]


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("c2;300;", "c2;3x0;"), 10, "cost of project c2 '3x0' is not a number"),
        (("v2;c1;5", "v2;c9;5"), 14, "unknown project c9"),
        (("v2;c1;5", "v1;c1;5"), 14, "voter v1 has a second ballot"),
        (("v1;c1,c2;3,2", "v1;c1,c2;3"), 13, "1 points for 2 projects"),
        (("c2;300;Łąka;0;1", "c1;300;Łąka;0;1"), 10, "project c1 already listed on line 9"),
        (("c2;300;Łąka;0;1", "c2;300;Łąka;0"), 10, "PROJECTS row has 4 fields, the header has 5"),
        (("budget;1000.50", "budget;lots"), 4, "budget 'lots' is not a number"),
        (("cumulative", "plural"), None, "vote_type 'plural' is not one of"),
        (("rule;greedy", "max_length;three"), 6, "max_length 'three' is not a whole number"),
        (("rule;greedy", "min_length;-1"), 6, "min_length '-1' is not a whole number"),
    ],
)
def test_bad_files_say_what_and_on_which_line(change, line, words):
    with pytest.raises(PbError) as caught:
        parse_pb(GOOD.replace(*change), source="x.pb")
    assert words in str(caught.value)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"x.pb:{line}:" if line else "x.pb:")


def test_missing_sections_and_headers():
    with pytest.raises(PbError, match="no VOTES section"):
        parse_pb(GOOD.split("VOTES")[0])
    with pytest.raises(PbError, match="x.pb:1: expected the section title"):
        parse_pb("hello\n" + GOOD, source="x.pb")
    with pytest.raises(PbError, match="META has no budget"):
        parse_pb(GOOD.replace("budget;1000.50\n", ""))


def test_unreadable_files(tmp_path):
    with pytest.raises(PbError, match="No such file"):
        read_pb(tmp_path / "missing.pb")
    binary = tmp_path / "b.pb"
    binary.write_bytes(b"\xff\xfe\x00META")
    with pytest.raises(PbError, match="not UTF-8"):
        read_pb(binary)
