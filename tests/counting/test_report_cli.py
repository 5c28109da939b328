"""The report formats and the `mutualise count` command (through its own subparser)."""

import argparse
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mutualise.cli import CommandError
from mutualise.counting import cli, report
from mutualise.counting.ballots import from_lists
from mutualise.counting.blt import write_blt
from mutualise.counting.stv import scottish

WARDS = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "scottish-stv" / "ballots"
WARD = str(WARDS / "aberdeen_2017_ward1.blt")


def run(capsys, *argv):
    parser = argparse.ArgumentParser(prog="mutualise")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["count", *argv])
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_interface(capsys):
    code, out, _ = run(capsys, WARD, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["method"] == "scottish-stv" and data["seats"] == 4 and data["quota"] == 1322
    assert data["elected"] == [5, 4, 1, 7]  # BLT numbers, in order of election
    assert len(data["stages"]) == 6
    assert data["stages"][0]["totals"]["1"] == "744.00000"
    assert data["stages"][5]["totals"]["7"] == "1317.90720"
    assert data["stages"][1]["action"] == "surplus" and data["stages"][1]["subjects"] == [5]


def test_jsonl_counts_several_files_and_reports_bad_ones(capsys, tmp_path):
    bad = tmp_path / "bad.blt"
    bad.write_text("3 1\n1 1 4 0\n0\n")
    second = str(WARDS / "aberdeen_2017_ward2.blt")
    code, out, err = run(capsys, WARD, str(bad), second, "--format", "jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["file"] for line in lines] == [WARD, str(bad), second]
    assert lines[1]["error"].startswith(f"{bad}:2: candidate 4 is out of range")
    assert "elected" in lines[2] and code == 1 and "1 of 3 files" in err


def test_errors_are_command_errors(capsys, tmp_path):
    bad = tmp_path / "bad.blt"
    bad.write_text("3 1\n1 1 1 0\n0\n")
    with pytest.raises(CommandError, match=r"bad.blt:2: candidate 1 is ranked twice"):
        run(capsys, str(bad))
    with pytest.raises(CommandError, match="9 seats but only 7 standing"):
        run(capsys, str(WARDS / "aberdeen_2017_ward1.blt"), "--seats", "9")
    with pytest.raises(CommandError, match="use --format jsonl"):
        run(capsys, WARD, WARD, "--format", "json")
    with pytest.raises(CommandError, match="KEY=VALUE"):
        run(capsys, WARD, "-o", "threshold")
    with pytest.raises(CommandError, match="unknown counting method"):
        run(capsys, WARD, "--method", "borda")


def test_text_sheet(capsys):
    code, out, _ = run(capsys, WARD, "--seed", "7")
    assert "Quota: 1322" in out and "Stage 2: Surplus of Avril MACKENZIE (Con)" in out
    assert "Elected, in order: Avril MACKENZIE (Con); Neil MACGREGOR (SNP)" in out
    assert "Seed for any lot: 7" in out


def test_html_page_with_svg_chart(capsys):
    code, out, _ = run(capsys, WARD, "--format", "html")
    svg = out[out.index("<svg") : out.index("</svg>") + 6]
    tree = ET.fromstring(svg)
    lines = tree.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 7
    assert all(len(line.get("points").split()) == 6 for line in lines)
    assert "<table" in out and "Barney CROCKETT (Lab) (elected at stage" in out


def test_all_ties_and_method_options(capsys, tmp_path):
    tie = tmp_path / "tie.blt"
    tie.write_text(write_blt(from_lists("ABC", [(10, [0]), (3, [1]), (3, [2])], seats=2)))
    _, out, _ = run(capsys, str(tie), "--all-ties", "--format", "json", "--seed", "4")
    data = json.loads(out)
    assert sorted(o["elected"] for o in data["outcomes"]) == [[1, 2], [1, 3]]
    assert data["seed"] == 4 and data["tie_breaks"][0]["how"] == "lot"
    vote = tmp_path / "vote.blt"
    vote.write_text(write_blt(from_lists(["Yes", "No"], [(30, [0]), (20, [1])])))
    _, out, _ = run(capsys, str(vote), "-m", "referendum", "-o", "threshold=2/3", "-f", "json")
    assert json.loads(out)["extra"]["outcome"] == "not carried"


def test_csv_cast_vote_records(capsys, tmp_path):
    cvr = tmp_path / "cvr.csv"
    cvr.write_text("rank 1,rank 2\nAnn,Bob\nAnn,\nBob,Ann\nCat,Bob\n")
    _, out, _ = run(capsys, str(cvr), "-m", "irv", "-f", "json")
    data = json.loads(out)
    assert data["candidates"] == {"1": "Ann", "2": "Bob", "3": "Cat"}
    assert data["elected"] == [1]


def test_report_values_are_exact_strings():
    profile = from_lists("AB", [(2, [0]), (1, [1])])
    data = report.to_dict(scottish.count(profile, seed=0))
    assert data["stages"][0]["totals"] == {"1": "2.00000", "2": "1.00000"}
    assert data["valid_poll"] == 3


def test_through_the_mutualise_command(capsys, tmp_path):
    from mutualise.cli import main

    assert main(["count", WARD, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["elected"] == [5, 4, 1, 7]
    bad = tmp_path / "bad.blt"
    bad.write_text("2 1\n1 1 2\n0\n")
    assert main(["count", str(bad)]) == 2
    assert f"{bad}:2: ballot line must end with 0" in capsys.readouterr().err


def test_mutualise_count_loads_no_app(tmp_path):
    # `count` builds only its own parser: no Django, no app, so 1,100 files start at once.
    import subprocess
    import sys

    code = (
        "import sys; from mutualise.cli import main; main(['count', sys.argv[1], '-f', 'json']);"
        "bad = [m for m in sys.modules if m.startswith(('django', 'mutualise.register',"
        " 'mutualise.elections', 'mutualise.web'))]; print('LOADED', bad, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, WARD], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stderr
    assert json.loads(done.stdout)["elected"] == [5, 4, 1, 7]


def test_python_m_mutualise_cli_gives_one_line_not_a_traceback(tmp_path):
    # Run as `python -m mutualise.cli`, the module is `__main__` and the subcommand's CommandError
    # came from a second copy of it: the error escaped as a traceback.
    import os
    import subprocess
    import sys

    import mutualise

    bad = tmp_path / "bad.blt"
    bad.write_text("2 1\n1 1 2\n0\n")
    src = str(Path(mutualise.__file__).parents[1])  # this checkout, not the installed one
    done = subprocess.run(
        [sys.executable, "-m", "mutualise.cli", "count", str(bad)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert done.returncode == 2
    assert done.stderr == f"mutualise: error: {bad}:2: ballot line must end with 0\n"


def test_the_methods_listing_comes_from_the_index(capsys):
    code, out, _ = run(capsys, "--methods")
    assert code == 0
    assert "nhs-mer-stv (also nhs-mer, mer2014-stv): NHS Model Election Rules STV" in out
    assert "ballot: rank the candidates in order of preference" in out
    assert "-o threshold=...  the share of valid votes needed" in out
    with pytest.raises(CommandError, match="name at least one ballot file"):
        run(capsys)
