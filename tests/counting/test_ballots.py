"""Profiles: grouping identical rankings (both the integer-key and the byte-row paths)."""

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mutualise.counting.ballots import PAD, from_lists, group_rankings, pad_rankings


def counted(rows, weights):
    totals = Counter()
    for row, weight in zip(rows, weights, strict=True):
        totals[tuple(int(c) for c in row if c != PAD)] += int(weight)
    return totals


@given(
    st.integers(2, 30).flatmap(
        lambda n: st.lists(
            st.tuples(
                st.integers(1, 9), st.permutations(range(n)).map(lambda p: p[: 1 + len(p) // 2])
            ),
            min_size=1,
            max_size=40,
        )
    )
)
def test_grouping_sums_the_weights_of_identical_rankings(ballots):
    rows = pad_rankings([list(r) for _, r in ballots])
    weights = np.array([w for w, _ in ballots])
    grouped, summed, _ = group_rankings(rows, weights)
    assert counted(grouped, summed) == counted(rows, weights)
    assert len(set(map(tuple, grouped.tolist()))) == len(grouped)  # no duplicates left
    ones, counts, _ = group_rankings(rows, np.ones(len(rows), dtype=np.int64))
    assert counted(ones, counts) == counted(rows, np.ones(len(rows)))


def test_wide_rankings_fall_back_to_byte_rows():
    rows = [list(range(40)), list(range(40)), list(range(39, -1, -1))]
    profile = from_lists([f"C{k}" for k in range(40)], rows)
    assert sorted(w for w, _ in profile.ballots()) == [1, 2]
