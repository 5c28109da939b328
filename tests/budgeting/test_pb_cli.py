"""`mutualise pb count`: the JSON a script reads, and clear errors for bad files."""

import json
import subprocess
import sys

import pytest

CODE = "import sys; from mutualise.cli import main; sys.exit(main())"


def pb(*args):
    return subprocess.run(
        [sys.executable, "-c", CODE, "pb", "count", *map(str, args)],
        capture_output=True,
        text=True,
    )


@pytest.fixture
def pb_here(capsys):
    """The command in this process (faster), returning (status, stdout, stderr)."""
    from mutualise.cli import main

    def call(*args):
        status = main(["pb", "count", *map(str, args)])
        out = capsys.readouterr()
        return status, out.out, out.err

    return call


def test_json_has_selected_spent_and_rule(shared_dir, pb_here):
    path = shared_dir / "conformance" / "pabulib" / "Poland_Warszawa_2017_Sadul.pb"
    status, out, err = pb_here(path, "--format", "json")
    assert status == 0, err
    data = json.loads(out)
    assert data["rule"] == "greedy"
    assert len(data["selected"]) == 2
    assert data["spent"] == str(
        sum(int(s["cost"]) for s in data["steps"] if s["action"] == "funded")
    )
    mes = json.loads(pb_here(path, "--rule", "mes-add1", "-f", "json")[1])
    assert mes["rule"] == "mes-add1" and "per_voter" in mes


def test_ids_format_is_one_line(shared_dir, pb_here):
    path = shared_dir / "conformance" / "pabulib" / "Netherlands_Assen_2024.pb"
    out = pb_here(path, "-f", "ids")[1]
    assert sorted(out.strip().split(","), key=int) == [
        "2",
        "3",
        "5",
        "6",
        "9",
        "11",
        "12",
        "13",
        "14",
    ]


def test_bad_file_is_an_error_with_a_line_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text(
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;ten\nVOTES\nvoter_id;vote\n"
    )
    out = pb(bad)
    assert out.returncode == 2
    assert (
        out.stderr.strip() == f"mutualise: error: {bad}:6: cost of project a 'ten' is not a number"
    )


def test_ranked_ballots_under_equal_shares_are_refused(shared_dir):
    path = shared_dir / "conformance" / "pabulib" / "Poland_Krakow_2019_Bienczyce.pb"
    out = pb(path, "--rule", "mes")
    assert out.returncode == 2
    assert "approval ballots, not ordinal" in out.stderr
    assert "Traceback" not in out.stderr
