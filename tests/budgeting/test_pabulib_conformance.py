"""Every pabulib instance in ../shared/conformance/pabulib/ whose rule is greedy or equal shares:
the count selects exactly the official projects (the `selected` column)."""

import csv
from pathlib import Path

import pytest

from mutualise.budgeting.cli import FILE_RULES, RULES
from mutualise.budgeting.pb import read_pb


def manifest(shared_dir):
    folder = shared_dir / "conformance" / "pabulib"
    with open(folder / "MANIFEST.tsv", encoding="utf-8") as fh:
        return [(folder / row["file"], row) for row in csv.DictReader(fh, delimiter="\t")]


def pytest_generate_tests(metafunc):
    if "pb_row" in metafunc.fixturenames:
        # Parametrised at collection, before fixtures: the same place tests/conftest.py names.
        shared = Path(__file__).resolve().parents[2].parent / "shared"
        rows = manifest(shared) if shared.is_dir() else []
        metafunc.parametrize("pb_row", rows, ids=[path.stem for path, _ in rows])


def test_every_file_is_covered(shared_dir):
    rows = manifest(shared_dir)
    assert len(rows) == 34
    assert {row["rule"] for _, row in rows} <= set(FILE_RULES)


def test_selects_exactly_the_official_projects(pb_row):
    path, row = pb_row
    instance = read_pb(path)
    assert instance.rule == row["rule"]
    official = instance.official_selection()
    assert len(official) == int(row["n_selected"])
    result = RULES[FILE_RULES[instance.rule]](instance)
    assert sorted(result.selected) == sorted(official)
    assert result.spent <= instance.budget


@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb"])
def test_greedy_completion_would_change_assen(shared_dir, name):
    # The README: completing with greedy would add project 7, which was not funded.
    instance = read_pb(shared_dir / "conformance" / "pabulib" / name)
    completed = RULES["mes-add1"](instance, complete=True)
    assert set(completed.selected) - set(instance.official_selection()) == {"7"}
