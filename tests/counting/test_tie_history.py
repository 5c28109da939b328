"""Looking back (or forward) through a count's history to break a tie: jumping between the
tied candidates' changes (`ties.History`) chooses exactly as reading every stage would, and
reads only the stages where one of them changed (a thousand candidates tied with no votes made
the count cubic when every tie read every stage)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualise.counting.ties import History, TieBreaker, look_forward

pytestmark = pytest.mark.pure


def _narrowed(remaining, totals, lowest):
    values = [totals[c] for c in remaining]
    target = min(values) if lowest else max(values)
    return [c for c, v in zip(remaining, values, strict=True) if v == target]


def read_every_stage_back(tied, rows, lowest):
    """The rule as written: stage by stage from the most recent, narrowing; (chosen, stages)."""
    remaining, decided = sorted(tied), []
    for back in range(len(rows) - 1, -1, -1):
        narrowed = _narrowed(remaining, rows[back], lowest)
        if len(narrowed) < len(remaining):
            remaining = narrowed
            decided.append(back + 1)
        if len(remaining) == 1:
            return remaining[0], decided
    return None, remaining


def read_every_point_forward(tied, rows, lowest):
    remaining, decided = sorted(tied), []
    for at, totals in enumerate(rows):
        narrowed = _narrowed(remaining, totals, lowest)
        if len(narrowed) < len(remaining):
            remaining = narrowed
            decided.append(f"p{at}")
        if len(remaining) == 1:
            return remaining[0], decided
    return None, remaining


# Histories with many ties: few candidates, totals that change by 0 or 1 at a stage.
histories = st.integers(2, 6).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 1), min_size=n, max_size=n), max_size=12).map(
        lambda steps: [list(row) for row in np.cumsum([[0] * n] + steps, axis=0).tolist()]
    )
)


@settings(max_examples=400, deadline=None)
@given(histories, st.data(), st.booleans(), st.booleans())
def test_the_jumps_choose_as_reading_every_stage_would(rows, data, lowest, as_arrays):
    n = len(rows[0])
    tied = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=n, unique=True))
    upto = data.draw(st.integers(0, len(rows)))
    # Built as a count builds it, a tie part-way (the changes are indexed then, and after).
    history, early = History(), data.draw(st.integers(1, len(rows)))
    for k, row in enumerate(rows, start=1):
        history.append(np.array(row) if as_arrays else row)
        if k == early:
            TieBreaker(seed=9).look_back(tied, history, 1, "exclusion", lowest=lowest)
    ties = TieBreaker(seed=9)
    chosen = ties.look_back(tied, history[:upto], 4, "exclusion", lowest=lowest)
    expected, how = read_every_stage_back(tied, rows[:upto], lowest)
    if expected is None:  # equal at every stage: a lot among those still tied
        assert ties.records[-1].how == "lot" and ties.records[-1].tied == how
        assert chosen in how
    else:
        assert chosen == expected
        assert ties.records[-1].how == "look-back to stage " + ", ".join(map(str, how))

    ties = TieBreaker(seed=9)
    labels = [f"p{k}" for k in range(upto)]
    chosen = look_forward(ties, tied, history[:upto], labels, 4, "election", lowest=lowest)
    expected, how = read_every_point_forward(tied, rows[:upto], lowest)
    if expected is None:
        assert ties.records[-1].how == "lot" and ties.records[-1].tied == how
    else:
        assert chosen == expected
        assert ties.records[-1].how == "look-forward to " + ", ".join(how)


class _Counted(History):
    """A history that counts the stages read."""

    reads = 0

    def __getitem__(self, key):
        if not isinstance(key, slice):
            _Counted.reads += 1
        return super().__getitem__(key)


def test_candidates_tied_all_along_are_read_once_not_at_every_stage():
    # 1,000 candidates, 900 of them with no votes at any of 500 stages; the others gain.
    n, stages = 1000, 500
    history = _Counted()
    totals = np.zeros(n, dtype=np.int64)
    for stage in range(stages):
        totals[900 + stage % 100] += 1
        history.append(totals.copy())
    _Counted.reads = 0
    ties = TieBreaker(seed=1)
    chosen = ties.look_back(range(900), history, stages + 1, "exclusion", lowest=True)
    assert ties.records[-1].how == "lot" and len(ties.records[-1].tied) == 900
    assert chosen in range(900)
    assert _Counted.reads == 1
    _Counted.reads = 0
    look_forward(ties, list(range(900)), history, [""] * stages, 1, "exclusion", lowest=True)
    assert _Counted.reads == 1


def test_a_tie_decided_long_ago_reads_only_the_stages_where_the_tied_changed():
    history = _Counted()
    for stage in range(300):
        history.append([0, 0, 0] if stage < 10 else [0, 1, 1] if stage < 20 else [5, 5, 5])
    _Counted.reads = 0
    ties = TieBreaker(seed=1)
    assert ties.look_back([0, 1, 2], history, 301, "exclusion", lowest=True) == 0
    assert ties.records[-1].how == "look-back to stage 20"
    assert _Counted.reads == 2  # the latest stage, then the one before they all changed


def test_a_view_of_the_history_shares_it_and_is_read_only():
    history = History([[1, 2], [1, 3]])
    view = history[:-1]
    assert len(view) == 1 and view[0] == [1, 2] and view[-1] == [1, 2]
    with pytest.raises(IndexError):
        view[1]
    with pytest.raises(ValueError):
        view.append([4, 4])
    history.append([2, 3])
    assert len(history) == 3 and len(view) == 1
    assert len(History()[:-1]) == 0
