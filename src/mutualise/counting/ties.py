"""Breaking ties: look back over earlier stages (or forward from the first), then lot by a
published seed.

The lot is reproducible by hand: the k-th draw of a count (k = 0, 1, ...) under seed S takes
the tied candidates in ballot-paper order and picks the one at position
`int(sha256(f"{S}:{k}").hexdigest()[:16], 16) % len(tied)`. The seed is in every report.
"""

from __future__ import annotations

import bisect
import hashlib
import secrets
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .result import CountError, CountResult, TieBreak, Value

MAX_OUTCOMES = 64


def draw_position(seed: int, k: int, n: int) -> int:
    digest = hashlib.sha256(f"{seed}:{k}".encode()).hexdigest()
    return int(digest[:16], 16) % n


class TieBreaker:
    """Records every tie; `script` forces the first lots (used to list every outcome)."""

    def __init__(self, seed: int | None = None, script: Sequence[int] | None = None):
        self.seed = secrets.randbelow(2**31) if seed is None else int(seed)
        self.script = list(script or [])
        self.explore = script is not None
        self.records: list[TieBreak] = []
        self.lot_sizes: list[int] = []
        self.choices: list[int] = []

    def lot(self, tied: Sequence[int], stage: int, purpose: str) -> int:
        tied = sorted(tied)
        k = len(self.choices)
        if k < len(self.script):
            position = self.script[k]
        elif self.explore:
            position = 0
        else:
            position = draw_position(self.seed, k, len(tied))
        self.lot_sizes.append(len(tied))
        self.choices.append(position)
        chosen = tied[position]
        self.records.append(TieBreak(stage, purpose, tied, chosen, "lot", draw=k))
        return chosen

    def look_back(
        self,
        tied: Sequence[int],
        history: Sequence[Sequence[Value]],
        stage: int,
        purpose: str,
        *,
        lowest: bool,
    ) -> int:
        """The candidate lowest (or highest) at the most recent earlier stage where the tied
        candidates' totals differed, narrowing stage by stage; lot if they never differed."""
        history = as_history(history)
        remaining = sorted(tied)
        decided_at: list[int] = []
        back = len(history) - 1
        while back >= 0:
            remaining, narrowed = _narrow(remaining, history[back], lowest)
            if narrowed:
                decided_at.append(back + 1)
            if len(remaining) == 1:
                how = "look-back to stage " + ", ".join(str(s) for s in decided_at)
                self.records.append(TieBreak(stage, purpose, sorted(tied), remaining[0], how))
                return remaining[0]
            # The remaining candidates are equal here, and stay equal back to the stage before
            # the latest change in any of their totals: the stages between cannot narrow them.
            back = history.last_change(remaining, back) - 1
        return self.lot(remaining, stage, purpose)


def _narrow(remaining: list[int], totals: Sequence[Value], lowest: bool) -> tuple[list[int], bool]:
    """The remaining candidates lowest (or highest) in `totals`, and whether that left any out."""
    values = [totals[c] for c in remaining]
    target = min(values) if lowest else max(values)
    narrowed = [c for c, v in zip(remaining, values, strict=True) if v == target]
    return (narrowed, True) if len(narrowed) < len(remaining) else (remaining, False)


class History(Sequence):
    """The totals at each stage (or point) of a count, oldest first, with for each candidate the
    indexes at which their total changed (worked out at the first tie, and then as the count
    goes on: most counts never tie, and never pay for it). A tie looks back (or forward) by jumping from one
    change of the tied candidates' totals to the next, never reading a stage at which none of
    them changed: with many candidates tied all along (a thousand with no votes), reading
    every stage for every tie made the count cubic. `history[:k]` is the first k, sharing
    the record (a rule's tie looks back over the stages before the current one)."""

    def __init__(self, rows: Sequence[Sequence[Value]] = ()):
        self.rows: list[Sequence[Value]] = list(rows)
        self.changes: list[list[int]] = []  # per candidate, ascending indexes >= 1
        self.indexed = 0  # the rows whose changes are in `changes`
        self.limit: int | None = None  # a view of the first `limit` rows of `source`
        self.source: History | None = None

    def append(self, totals: Sequence[Value]) -> None:
        """Record the next totals (kept as given: pass a copy of anything updated in place)."""
        if self.limit is not None:
            raise ValueError("a view of a history cannot be appended to")
        self.rows.append(totals)

    def _index(self) -> None:
        """Bring `changes` up to the last row."""
        rows, changes = self.rows, self.changes
        if rows and not changes:
            changes += [[] for _ in range(len(rows[0]))]
            self.indexed = 1
        for index in range(self.indexed, len(rows)):
            for c in _changed(rows[index - 1], rows[index]):
                changes[c].append(index)
        self.indexed = len(rows)

    def __len__(self) -> int:
        return len(self.rows) if self.limit is None else self.limit

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if start != 0 or step != 1:
                raise ValueError("a history is viewed from its first entry: history[:k]")
            view = History()
            view.rows, view.limit = self.rows, max(stop, 0)
            view.source = self if self.source is None else self.source
            return view
        if key < 0:
            key += len(self)
        if not 0 <= key < len(self):
            raise IndexError("history index out of range")
        return self.rows[key]

    def _changes(self) -> list[list[int]]:
        owner = self if self.source is None else self.source
        if owner.indexed < len(owner.rows):
            owner._index()
        return owner.changes

    def last_change(self, candidates: Sequence[int], at: int) -> int:
        """The latest index <= `at` at which any of the candidates' totals changed (0: none)."""
        latest = 0
        per_candidate = self._changes()
        for c in candidates:
            changes = per_candidate[c]
            k = bisect.bisect_right(changes, at)
            if k and changes[k - 1] > latest:
                latest = changes[k - 1]
        return latest

    def next_change(self, candidates: Sequence[int], after: int) -> int:
        """The earliest index > `after` at which any of the candidates' totals changed, within
        the history (len(self): none)."""
        earliest = len(self)
        per_candidate = self._changes()
        for c in candidates:
            changes = per_candidate[c]
            k = bisect.bisect_right(changes, after)
            if k < len(changes) and changes[k] < earliest:
                earliest = changes[k]
        return earliest


def _changed(before: Sequence[Value], after: Sequence[Value]) -> list[int]:
    if isinstance(after, np.ndarray):
        return np.flatnonzero(np.asarray(before) != after).tolist()
    # (Exact fractions compare slowly: a total not touched is the same object.)
    return [c for c, (a, b) in enumerate(zip(before, after, strict=True)) if a is not b and a != b]


def as_history(rows: Sequence[Sequence[Value]]) -> History:
    return rows if isinstance(rows, History) else History(rows)


def look_forward(
    ties: TieBreaker,
    tied: list[int],
    points: Sequence[Sequence[Any]],
    labels: list[str],
    stage: int,
    purpose: str,
    *,
    lowest: bool,
    lot: bool = True,
) -> int | None:
    """The candidate lowest (or highest) at the earliest point where the tied candidates'
    totals differed, narrowing point by point; equal at every point: lot (or None). The rules
    that look forward (ERS97 5.2.3, 5.2.5, 5.6.2; NI 50(1), 51(13)) pass every point of the
    count so far, oldest first: the first stage and the totals after each batch."""
    points = as_history(points)
    remaining = sorted(tied)
    decided_at: list[str] = []
    at = 0
    while at < len(points):
        remaining, narrowed = _narrow(remaining, points[at], lowest)
        if narrowed:
            decided_at.append(labels[at])
        if len(remaining) == 1:
            how = "look-forward to " + ", ".join(decided_at)
            ties.records.append(TieBreak(stage, purpose, sorted(tied), remaining[0], how))
            return remaining[0]
        # Equal here, and at every point before the next change in any of their totals.
        at = points.next_change(remaining, at)
    if not lot:
        return None
    return ties.lot(remaining, stage, purpose)


def refuse_tie_order(profile: Any, method: str) -> None:
    """Refuse a profile whose BLT file gave a tie-break order (`[tie 3 2 1]`, OpenSTV's option).

    No method here can use one: every rule's tie rule is its own (look back or forward through
    the stages), and where that fails the rule says lot, which this package draws from a
    published seed, never from an order written into the ballot file. Counting such a file
    quietly by lot would ignore what its author asked for, so it is refused, naming the line.
    """
    if "tie" not in profile.options:
        return
    where = ":".join(profile.options.get("tie_at", []))
    raise CountError(
        (f"{where}: " if where else "")
        + f"the [tie] line gives an order for breaking ties, but {method} breaks ties by its own "
        "rule and then by lot from a published seed, never by a given order; remove the line "
        "to count under the rule"
    )


CountFn = Callable[..., CountResult]


def with_all_outcomes(
    count: CountFn, profile: Any, seats: int | None, **options: Any
) -> CountResult:
    """Count once with the seeded lots, then again for every other way the lots could fall.

    The first result is returned with `outcomes` listing each distinct path of lot choices (as
    positions among the tied candidates) and the candidates it elects, up to MAX_OUTCOMES.
    """
    main = count(profile, seats, **options)
    options = {k: v for k, v in options.items() if k not in ("seed", "tie_breaker")}
    outcomes: list[dict[str, Any]] = []
    pending: list[list[int]] = [[]]
    while pending and len(outcomes) < MAX_OUTCOMES:
        path = pending.pop()
        breaker = TieBreaker(seed=0, script=path)
        result = count(profile, seats, tie_breaker=breaker, **options)
        for j in range(len(path), len(breaker.lot_sizes)):
            for alternative in range(1, breaker.lot_sizes[j]):
                pending.append(breaker.choices[:j] + [alternative])
        outcomes.append(
            {
                "lots": [
                    {"stage": r.stage, "tied": r.tied, "chosen": r.chosen}
                    for r in breaker.records
                    if r.how == "lot"
                ],
                "elected": list(result.elected),
            }
        )
    main.outcomes = outcomes
    if pending:
        main.notes.append(f"only the first {MAX_OUTCOMES} outcomes of the lots are listed")
    return main


def choose_top(
    totals: Sequence[Value],
    candidates: Sequence[int],
    k: int,
    breaker: TieBreaker,
    stage: int,
    purpose: str,
) -> list[int]:
    """The k candidates with the highest totals, highest first; a tie across the cut by lot."""
    ordered = sorted(candidates, key=lambda c: (-totals[c], c))
    if k >= len(ordered):
        return ordered
    cut = totals[ordered[k - 1]]
    above = [c for c in ordered if totals[c] > cut]
    tied = [c for c in ordered if totals[c] == cut]
    chosen = list(above)
    if len(above) + len(tied) <= k:
        return chosen + tied  # everyone tied at the cut fits: nothing to draw
    while len(chosen) < k:
        pick = breaker.lot(tied, stage, purpose)
        tied.remove(pick)
        chosen.append(pick)
    return chosen
