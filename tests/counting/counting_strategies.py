"""Hypothesis strategies for ballot profiles, shared by the counting tests."""

import numpy as np
from hypothesis import strategies as st

from mutualise.counting.ballots import PAD, Profile, from_lists

NAMES = (
    st.text(
        # No controls, line breaks or bidi overrides: a reader refuses them in a name.
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
            blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def profiles(draw, min_candidates=1, max_candidates=7, max_groups=25, max_weight=40, seats=None):
    n = draw(st.integers(min_candidates, max_candidates))
    candidates = [f"C{k + 1}" for k in range(n)]
    ballots = draw(
        st.lists(
            st.tuples(
                st.integers(1, max_weight),
                st.permutations(range(n)).flatmap(
                    lambda p: st.integers(1, len(p)).map(lambda k, p=p: p[:k])
                ),
            ),
            min_size=1,
            max_size=max_groups,
        )
    )
    n_seats = draw(st.integers(1, n)) if seats is None else min(seats, n)
    return from_lists(candidates, ballots, seats=n_seats, title="generated")


def shuffled(profile: Profile, seed: int) -> Profile:
    """The same ballots with each group split in two and all rows in another order."""
    rng = np.random.default_rng(seed)
    rows, weights = [], []
    for weight, ranking in profile.ballots():
        first = int(rng.integers(0, weight + 1))
        for part in (first, weight - first):
            if part:
                rows.append(list(ranking))
                weights.append(part)
    order = rng.permutation(len(rows))
    width = profile.rankings.shape[1]
    rankings = np.full((len(rows), width), PAD, dtype=np.int32)
    for i, k in enumerate(order):
        rankings[i, : len(rows[k])] = rows[k]
    return Profile(
        candidates=list(profile.candidates),
        rankings=rankings,
        weights=np.asarray(weights, dtype=np.int64)[order],
        seats=profile.seats,
        title=profile.title,
        withdrawn=profile.withdrawn,
        invalid=profile.invalid,
    )
