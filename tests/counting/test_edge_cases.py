"""Every method on every hand-made edge-case file: votes conserved, seats filled, repeatable."""

from pathlib import Path

import pytest

from mutualise.counting import report
from mutualise.counting.blt import read_blt
from mutualise.counting.methods import METHODS
from mutualise.counting.result import CountError

EDGE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "blt-edge-cases"
FILES = sorted(p.name for p in EDGE.glob("*.blt"))


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("method", ["scottish-stv", "fptp", "approval", "irv"])
def test_edge_case_counts(name, method):
    profile = read_blt(EDGE / name)
    seats = 1 if method == "irv" else None
    if "tie" in profile.options:  # 42t.blt: a tie-break order no method can use is refused
        with pytest.raises(CountError, match=r"42t.blt:2: the \[tie\] line"):
            METHODS[method](profile, seats, seed=11)
        del profile.options["tie"]  # the ballots themselves still count by the rule
    result = METHODS[method](profile, seats, seed=11)
    standing = profile.n_candidates - len(profile.withdrawn)
    assert len(result.elected) == min(seats or profile.seats, standing)
    assert not set(result.elected) & profile.withdrawn
    if method in ("scottish-stv", "irv"):
        gone = 0
        for stage in result.stages:
            gone += stage.non_transferable + stage.loss
            assert sum(stage.totals) + gone == result.valid_poll
    assert report.to_dict(METHODS[method](profile, seats, seed=11)) == report.to_dict(result)
    assert report.to_text(result) and report.to_html(result)


def test_withdrawn_candidate_gets_nothing():
    result = METHODS["scottish-stv"](read_blt(EDGE / "SCw.blt"), seed=0)
    assert all(stage.totals[3] == 0 for stage in result.stages)
