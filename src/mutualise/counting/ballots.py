"""Ballot profiles: identical ballots grouped, held in NumPy arrays.

A ranking is a row of 0-based candidate indexes, most preferred first, padded with -1.
Equal rankings (BLT `2=3`) are held in the optional `levels` array: the preference level of each
position (0, 1, 1, 2 ... ), so positions with the same level are ranked equal. `levels is None`
means every ranking is strict, which is what most rules require.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

PAD = -1

# Limits on what any reader or count accepts, so that a bad file is refused, never counted wrong.
# MAX_BALLOTS bounds every weight and the total of a profile: the rules' exact fixed-point
# arithmetic then fits in 64-bit integers with room to spare (Scottish STV multiplies a surplus in
# 10^-5 of a vote by a paper's value in 10^-5: 10^8 x 10^5 x 10^5 = 10^18 < 2^63 = 9.2 x 10^18;
# Meek's 10^-9 units give 10^17). It is twice the UK's whole electorate.
MAX_BALLOTS = 100_000_000
# MAX_CANDIDATES bounds the arrays sized by the candidate count (no ballot paper lists more).
MAX_CANDIDATES = 1_000
# Rankings are held padded to the longest: ballot lines x the longest ranking is what memory a
# file costs (4 bytes a cell), so a small file with one long line and a million short ones must
# not ask for gigabytes. A million distinct rankings of 100 candidates is within it.
MAX_CELLS = 100_000_000
# MAX_NAME_LENGTH bounds a candidate's name or a title, in characters: a ballot name is at most
# 200 (elections' Candidate.ballot_name); a 10 MB name line took 20 s to read and compare.
MAX_NAME_LENGTH = 1_000


def check_cells(lines: int, width: int, *, source: str | None = None, line: int | None = None):
    if lines * width > MAX_CELLS:
        raise BallotError(
            f"{lines:,} ballot lines padded to the longest ranking ({width:,}) would be "
            f"{lines * width:,} cells; at most {MAX_CELLS:,}",
            source=source,
            line=line,
        )


# Characters no candidate's name or title holds: the C0 controls and DEL (NUL, BEL, ESC... which
# a terminal, a PDF or PostgreSQL would act on or refuse) and the bidirectional embeddings,
# overrides and isolates (U+202E turns the rest of a result line back to front). Tab is allowed,
# and so are the C1 controls: official files hold them in mis-decoded party names (East
# Dunbartonshire 2022, "Scottish Greens \u0089...").
_NOT_IN_NAMES = frozenset(
    [chr(c) for c in (*range(9), *range(10, 32), 127, *range(0x202A, 0x202F))]
    + [chr(c) for c in range(0x2066, 0x206A)]
)


def has_control_character(text: str) -> bool:
    return not _NOT_IN_NAMES.isdisjoint(text)


class BallotError(ValueError):
    """Bad ballot data: the message says what and where (source, line, field)."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.source = source
        self.line = line
        where = ":".join(str(x) for x in (source, line) if x is not None)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(eq=False)
class Profile:
    """An election's ballots, grouped: `rankings[i]` was cast by `weights[i]` voters."""

    candidates: list[str]
    rankings: np.ndarray  # (groups, max_len) int32, PAD-padded, 0-based candidate indexes
    weights: np.ndarray  # (groups,) int64, each > 0
    seats: int = 1
    title: str = ""
    withdrawn: frozenset[int] = frozenset()
    levels: np.ndarray | None = None  # (groups, max_len) int32 when some rankings have equals
    invalid: int = 0  # blank ballots (no preference at all): not part of the valid poll
    options: dict[str, list[str]] = field(default_factory=dict)  # BLT [option ...] lines, raw

    def __post_init__(self) -> None:
        self.rankings = np.asarray(self.rankings, dtype=np.int32)
        if self.rankings.ndim != 2:
            if self.rankings.size == 0:
                self.rankings = np.full((0, 1), PAD, dtype=np.int32)
            else:
                self.rankings = self.rankings.reshape(len(self.weights), -1)
        self.weights = np.asarray(self.weights, dtype=np.int64)
        self.withdrawn = frozenset(self.withdrawn)
        if self.rankings.shape[0] != self.weights.shape[0]:
            raise BallotError("rankings and weights have different lengths")
        if len(self.candidates) > MAX_CANDIDATES:
            raise BallotError(
                f"{len(self.candidates):,} candidates: at most {MAX_CANDIDATES:,} can stand"
            )
        if self.weights.size and (
            int(self.weights.max()) > MAX_BALLOTS or int(self.weights.sum()) > MAX_BALLOTS
        ):
            raise BallotError(f"more than {MAX_BALLOTS:,} ballots: beyond what can be counted")

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def n_ballots(self) -> int:
        return int(self.weights.sum())

    @property
    def has_equal_rankings(self) -> bool:
        if self.levels is None:
            return False
        expected = np.arange(self.levels.shape[1], dtype=np.int32)
        return bool(((self.levels != expected) & (self.rankings != PAD)).any())

    def ballots(self) -> list[tuple[int, tuple[int, ...]]]:
        """(weight, ranking) pairs as plain Python, for tests and small tools."""
        return [
            (int(w), tuple(int(c) for c in row if c != PAD))
            for w, row in zip(self.weights, self.rankings, strict=True)
        ]

    def grouped(self) -> Profile:
        """The same profile with identical rankings merged (weights summed), in sorted order."""
        rankings, weights, levels = group_rankings(self.rankings, self.weights, self.levels)
        return Profile(
            candidates=list(self.candidates),
            rankings=rankings,
            weights=weights,
            seats=self.seats,
            title=self.title,
            withdrawn=self.withdrawn,
            levels=levels,
            invalid=self.invalid,
            options=dict(self.options),
        )

    def strict_prefix(self) -> Profile:
        """Each ranking cut where preferences stop being strictly ordered.

        Statutory rules count preferences "in consecutive order": a paper marking two candidates
        with the same preference is valid only up to the preference before the ambiguity. A
        ranking whose first preference is shared becomes blank (an invalid paper).
        """
        if not self.has_equal_rankings:
            return self
        levels = self.levels
        assert levels is not None
        n, width = self.rankings.shape
        same_as_next = np.zeros((n, width), dtype=bool)
        same_as_next[:, :-1] = (levels[:, 1:] == levels[:, :-1]) & (self.rankings[:, 1:] != PAD)
        # a position is ambiguous if it shares its level with the previous or the next one
        ambiguous = same_as_next.copy()
        ambiguous[:, 1:] |= same_as_next[:, :-1]
        cut = np.where(ambiguous.any(axis=1), ambiguous.argmax(axis=1), width)
        rankings = self.rankings.copy()
        rankings[np.arange(width)[None, :] >= cut[:, None]] = PAD
        blank = rankings[:, 0] == PAD
        return Profile(
            candidates=list(self.candidates),
            rankings=rankings[~blank],
            weights=self.weights[~blank],
            seats=self.seats,
            title=self.title,
            withdrawn=self.withdrawn,
            invalid=self.invalid + int(self.weights[blank].sum()),
            options=dict(self.options),
        ).grouped()


def group_rankings(
    rankings: np.ndarray, weights: np.ndarray, levels: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Merge identical rows (and identical level rows, if any); weights are summed."""
    rankings = np.ascontiguousarray(rankings, dtype=np.int32)
    weights = np.asarray(weights, dtype=np.int64)
    if rankings.shape[0] == 0:
        return rankings, weights, levels
    if levels is None:
        base = int(rankings.max()) + 2
        if base ** rankings.shape[1] < 2**63:
            return (*_group_by_integer_keys(rankings, weights, base), None)
    both = rankings if levels is None else np.hstack([rankings, levels.astype(np.int32)])
    both = np.ascontiguousarray(both)
    keys = both.view(np.dtype((np.void, both.dtype.itemsize * both.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    summed = np.zeros(first.shape[0], dtype=np.int64)
    np.add.at(summed, inverse.ravel(), weights)
    grouped_levels = None if levels is None else levels[first]
    return rankings[first], summed, grouped_levels


_KEY_CHUNK = 1 << 16


def _group_by_integer_keys(
    rankings: np.ndarray, weights: np.ndarray, base: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each row read as one int64 (its entries + 1 as digits in `base`): sorting integers and
    decoding the distinct ones is far faster than comparing rows as bytes."""
    width = rankings.shape[1]
    powers = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    # In chunks of rows: the int64 copy of a million 15-wide rankings alone would be 120 MB.
    keys = np.empty(len(rankings), dtype=np.int64)
    for start in range(0, len(rankings), _KEY_CHUNK):
        part = rankings[start : start + _KEY_CHUNK].astype(np.int64)
        part += 1
        np.matmul(part, powers, out=keys[start : start + _KEY_CHUNK])
    if (weights == 1).all():  # one row per ballot: counting equal keys is enough
        ordered = np.sort(keys)
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        summed = np.diff(np.r_[starts, len(ordered)]).astype(np.int64)
    else:
        order = np.argsort(keys)
        ordered = keys[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        summed = np.add.reduceat(weights[order], starts)
    distinct = ordered[starts]
    digits = np.empty((len(distinct), width), dtype=np.int32)
    for k, power in enumerate(powers.tolist()):  # a column at a time: no (rows, width) int64
        digits[:, k] = distinct // power % base - 1
    return digits, summed


def pad_rankings(rankings: Sequence[Sequence[int]], width: int | None = None) -> np.ndarray:
    width = max((len(r) for r in rankings), default=0) if width is None else width
    out = np.full((len(rankings), max(width, 1)), PAD, dtype=np.int32)
    for i, r in enumerate(rankings):
        out[i, : len(r)] = r
    return out


def validate_rankings(profile: Profile, source: str | None = None) -> None:
    """Reject out-of-range candidates and a candidate ranked twice, naming the ballot group."""
    r = profile.rankings
    n = profile.n_candidates
    bad = ((r < PAD) | (r >= n)).any(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise BallotError(f"ballot {i + 1}: candidate out of range 1..{n}", source=source)
    s = np.sort(r, axis=1)
    repeated = ((s[:, 1:] == s[:, :-1]) & (s[:, 1:] != PAD)).any(axis=1)
    if repeated.any():
        i = int(np.flatnonzero(repeated)[0])
        raise BallotError(f"ballot {i + 1}: a candidate is ranked twice", source=source)
    if (profile.weights <= 0).any():
        i = int(np.flatnonzero(profile.weights <= 0)[0])
        raise BallotError(f"ballot {i + 1}: weight must be positive", source=source)


def from_lists(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[int] | tuple[int, Sequence[int]]],
    *,
    seats: int = 1,
    title: str = "",
    withdrawn: Iterable[int] = (),
    one_based: bool = False,
    group: bool = True,
) -> Profile:
    """Build a profile from Python rankings: `[0, 2, 1]` or `(weight, [0, 2, 1])` per entry.

    Candidates are 0-based indexes unless `one_based`. Blank rankings are counted as invalid.
    """
    rows: list[list[int]] = []
    weights: list[int] = []
    invalid = 0
    shift = 1 if one_based else 0
    for entry in ballots:
        if isinstance(entry, tuple) and len(entry) == 2 and not isinstance(entry[1], int):
            weight, ranking = int(entry[0]), list(entry[1])
        else:
            weight, ranking = 1, list(entry)  # type: ignore[arg-type]
        if not 0 < weight <= MAX_BALLOTS:
            raise BallotError(f"ballot {len(rows) + 1}: weight must be 1..{MAX_BALLOTS:,}")
        if not ranking:
            invalid += weight
            continue
        rows.append([c - shift for c in ranking])
        weights.append(weight)
    profile = Profile(
        candidates=list(candidates),
        rankings=pad_rankings(rows),
        weights=np.asarray(weights, dtype=np.int64),
        seats=seats,
        title=title,
        withdrawn=frozenset(c - shift for c in withdrawn),
        invalid=invalid,
    )
    validate_rankings(profile)
    return profile.grouped() if group else profile
