"""How a tie the count cannot break by looking back is decided: the rulebook's `elections.ties`.

"lot": the counting library's reproducible lot under the election's seed (counting/ties.py).
"chair-casting-vote": the chair decides. The count runs with the casting votes given so far;
at the first tie with none given it goes on provisionally (the first tied candidate on the
ballot) and says which candidates are tied, and the result cannot be declared until the chair
has chosen (services/ties.py: give_casting_vote), after which the count is run again.
"""

from __future__ import annotations

from collections.abc import Sequence

from mutualise.counting.result import TieBreak
from mutualise.counting.ties import TieBreaker

CASTING = "chair's casting vote"


class ChairsCastingVote(TieBreaker):
    """A tie breaker that asks the chair: `choices` are the candidates (0-based) the chair
    chose, one for each tie in the order the count met them."""

    def __init__(self, seed: int | None, choices: Sequence[int]):
        super().__init__(seed)
        self.given = list(choices)
        self.pending: dict | None = None

    def lot(self, tied: Sequence[int], stage: int, purpose: str) -> int:
        tied = sorted(tied)
        k = len(self.choices)
        if k < len(self.given) and self.given[k] in tied:
            chosen, how = self.given[k], CASTING
        else:
            chosen, how = tied[0], "provisionally, awaiting the " + CASTING
            if self.pending is None:
                self.pending = {"stage": stage, "purpose": purpose, "tied": list(tied)}
        self.lot_sizes.append(len(tied))
        self.choices.append(chosen)
        self.records.append(TieBreak(stage, purpose, list(tied), chosen, how))
        return chosen


def tie_breaker(rule: str, seed: int | None, choices: Sequence[int] = ()) -> TieBreaker:
    """The tie breaker for the rulebook's `elections.ties`."""
    if rule == "chair-casting-vote":
        return ChairsCastingVote(seed, choices)
    return TieBreaker(seed)
