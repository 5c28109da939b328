"""Ties: noted on the stage where they were resolved; a BLT `[tie]` order refused by every method."""

import shutil
from pathlib import Path

import pytest

from mutualise.counting import report, stages
from mutualise.counting.ballots import from_lists
from mutualise.counting.blt import read_blt
from mutualise.counting.methods import INDEX, get_method
from mutualise.counting.result import CountError

pytestmark = pytest.mark.pure

EDGE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "blt-edge-cases"


def _exclusion_stage(result):
    return next(s.number for s in result.stages if s.action == "exclusion")


# Bob and Cat tie for fewest votes at the first stage; the exclusion is a later stage.
ONE_SEAT = from_lists(["Ann", "Bob", "Cat"], [(4, [0]), (2, [1, 0]), (2, [2, 0])], seats=1)
# Ann's surplus first, then Bob and Cat tie for fewest (last-parcel rules elect at stage 1).
TWO_SEATS = from_lists(
    ["Ann", "Bob", "Cat", "Dee"], [(6, [0]), (2, [1]), (2, [2]), (3, [3])], seats=2
)


@pytest.mark.parametrize(
    "method, profile",
    [
        ("scottish-stv", ONE_SEAT),
        ("irv", ONE_SEAT),
        ("wigm-stv", ONE_SEAT),
        ("meek-stv", ONE_SEAT),
        ("ers97-stv", TWO_SEATS),
        ("nhs-mer-stv", TWO_SEATS),
    ],
)
def test_an_exclusion_tie_is_noted_on_the_exclusion_stage(method, profile):
    result = get_method(method)(profile, seed=3)
    (tie,) = [t for t in result.tie_breaks if t.purpose == "exclusion"]
    assert tie.stage == _exclusion_stage(result)
    views = stages.explain(report.to_dict(result))
    noted = [v.number for v in views if any("excluded rather than" in r for r in v.reasons)]
    assert noted == [tie.stage]


def test_a_tie_for_an_exclusion_with_no_transfer_is_noted_on_the_stage_that_shows_it():
    # Ann 6, Bob 2, Cat 2 for two seats (ERS97): Bob and Cat tie; excluding one leaves as many
    # continuing as places, so the exclusion is shown on the surplus stage, with its tie.
    profile = from_lists(["Ann", "Bob", "Cat"], [(6, [0]), (2, [1]), (2, [2])], seats=2)
    result = get_method("ers97-stv")(profile, seed=3)
    (tie,) = result.tie_breaks
    shown = next(s.number for s in result.stages if s.excluded)
    assert tie.stage == shown == len(result.stages)


def test_a_surplus_order_tie_is_noted_on_the_surplus_stage():
    # Ann and Bob both exceed the quota by the same amount: the tie orders the surpluses.
    profile = from_lists(
        ["Ann", "Bob", "Cat", "Dee"],
        [(5, [0, 2]), (5, [1, 3]), (1, [2]), (1, [3]), (1, [2, 3])],
        seats=3,
    )
    result = get_method("scottish-stv")(profile, seed=1)
    (tie,) = [t for t in result.tie_breaks if t.purpose == "surplus order"]
    stage = result.stages[tie.stage - 1]
    assert stage.action == "surplus" and stage.subjects == [tie.chosen]


@pytest.mark.parametrize("method", sorted(INDEX))
def test_every_method_refuses_a_tie_order_naming_the_file_and_line(method):
    profile = read_blt(EDGE / "42t.blt")
    seats = 1 if method in ("irv", "referendum") else None
    if method == "referendum":
        profile = from_lists(["Yes", "No"], [(3, [0]), (2, [1])], seats=1)
        profile.options.update(tie=["2", "1"], tie_at=["vote.blt", "2"])
    with pytest.raises(CountError) as caught:
        get_method(method)(profile, seats, seed=1)
    message = str(caught.value)
    where = "vote.blt:2" if method == "referendum" else f"{EDGE / '42t.blt'}:2"
    assert message.startswith(where + ": the [tie] line") and INDEX[method].name in message


def test_the_command_reports_the_tie_order_refusal_and_counts_the_rest(tmp_path, capsys):
    from mutualise.counting import cli

    shutil.copy(EDGE / "42t.blt", tmp_path / "42t.blt")
    shutil.copy(EDGE / "42.blt", tmp_path / "42.blt")
    parser = __import__("argparse").ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(
        ["count", "-f", "jsonl", str(tmp_path / "42t.blt"), str(tmp_path / "42.blt")]
    )
    assert cli.handle(args) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{tmp_path / '42t.blt'}:2: the [tie] line" in out[0]
    assert '"stages"' in out[1]
