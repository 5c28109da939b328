"""Ballot papers in a count, vectorised over groups of identical rankings.

Every paper of a group follows the same path (a paper's next preference depends only on its
ranking and on who is still continuing), so one position, holder and value per group is exact.
Values are integers in the rule's own fixed-point unit (e.g. 10^-5 of a vote for Scottish STV):
integer arithmetic, never binary floating point.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from ..ballots import Profile
from ..result import CountError

EXHAUSTED = -1


def sum_by_candidate(holders: np.ndarray, amounts: np.ndarray, n: int) -> np.ndarray:
    """Exact int64 total of `amounts` for each candidate index in `holders` (>= 0 only)."""
    out = np.zeros(n, dtype=np.int64)
    keep = holders >= 0
    np.add.at(out, holders[keep], amounts[keep])
    return out


class Papers:
    def __init__(self, profile: Profile, unit: int):
        self.rankings = profile.rankings
        self.weights = profile.weights
        self.n = profile.n_candidates
        groups, width = self.rankings.shape
        self.columns = np.arange(width)
        self.position = np.full(groups, -1, dtype=np.int64)
        self.holder = np.full(groups, EXHAUSTED, dtype=np.int64)
        self.value = np.full(groups, unit, dtype=np.int64)  # of one paper of the group

    def held_by(self, candidate: int) -> np.ndarray:
        return np.flatnonzero(self.holder == candidate)

    def advance(self, rows: np.ndarray, continuing: np.ndarray) -> np.ndarray:
        """Move `rows` to their next preference for a continuing candidate; return holders.

        `continuing` is a bool array of n + 1 entries whose last is False, so the -1 padding
        indexes it as "not continuing".
        """
        ranked = self.rankings[rows]
        available = continuing[ranked]
        available &= self.columns > self.position[rows, None]
        nxt = available.argmax(axis=1)  # the first available preference, or 0 if none
        line = np.arange(len(rows))
        found = available[line, nxt]
        self.position[rows] = np.where(found, nxt, len(self.columns))
        holders = np.where(found, ranked[line, nxt], EXHAUSTED)
        self.holder[rows] = holders
        return holders

    def amounts(self, rows: np.ndarray) -> np.ndarray:
        return self.weights[rows] * self.value[rows]


class VotesShown(dict):
    """Integer units -> the Decimal votes they stand for (`places` decimal places), each made
    once: a stage records every candidate's total and change, and most recur from stage to
    stage (making a Decimal for each was most of a 1,000-candidate count's time)."""

    def __init__(self, places: int):
        super().__init__()
        self.exponent = -places

    def __missing__(self, units: int) -> Decimal:
        value = self[units] = Decimal(units).scaleb(self.exponent)
        return value

    def of(self, units: np.ndarray) -> list[Decimal]:
        values = units.tolist()  # Python ints at once: faster than each NumPy integer
        if len(values) < FEW:  # few candidates: looking up costs more than it saves
            return [Decimal(v).scaleb(self.exponent) for v in values]
        return [self[v] for v in values]


FEW = 64


def standing_candidates(profile: Profile, seats: int) -> list[int]:
    """The candidates not withdrawn, refusing a count with no seat or fewer candidates than seats."""
    standing = [c for c in range(profile.n_candidates) if c not in profile.withdrawn]
    if seats < 1:
        raise CountError("seats must be at least 1")
    if seats > len(standing):
        raise CountError(f"{seats} seats but only {len(standing)} standing candidates")
    return standing
