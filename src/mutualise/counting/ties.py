"""Breaking ties: look back over earlier stages (or forward from the first), then lot by a
published seed.

The lot is reproducible by hand: the k-th draw of a count (k = 0, 1, ...) under seed S takes
the tied candidates in ballot-paper order and picks the one at position
`int(sha256(f"{S}:{k}").hexdigest()[:16], 16) % len(tied)`. The seed is in every report.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from typing import Any

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
        remaining = sorted(tied)
        decided_at: list[int] = []
        for back in range(len(history) - 1, -1, -1):
            totals = history[back]
            values = [totals[c] for c in remaining]
            target = min(values) if lowest else max(values)
            narrowed = [c for c, v in zip(remaining, values, strict=True) if v == target]
            if len(narrowed) < len(remaining):
                remaining = narrowed
                decided_at.append(back + 1)
            if len(remaining) == 1:
                how = "look-back to stage " + ", ".join(str(s) for s in decided_at)
                self.records.append(TieBreak(stage, purpose, sorted(tied), remaining[0], how))
                return remaining[0]
        return self.lot(remaining, stage, purpose)


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
    remaining = sorted(tied)
    decided_at: list[str] = []
    for totals, label in zip(points, labels, strict=True):
        values = [totals[c] for c in remaining]
        target = min(values) if lowest else max(values)
        narrowed = [c for c, v in zip(remaining, values, strict=True) if v == target]
        if len(narrowed) < len(remaining):
            remaining = narrowed
            decided_at.append(label)
        if len(remaining) == 1:
            how = "look-forward to " + ", ".join(decided_at)
            ties.records.append(TieBreak(stage, purpose, sorted(tied), remaining[0], how))
            return remaining[0]
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
