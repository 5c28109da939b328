"""What a count returns: the outcome and every stage, as plain data.

Values are exact: `Decimal` for rules that work in fixed decimals (Scottish STV: 5 places),
`Fraction` for rules that are exact, `int` for whole-vote methods. Candidates are 0-based
indexes here; the report turns them into 1-based BLT numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from .ballots import Profile

Value = Decimal | Fraction | int


class CountError(ValueError):
    """The profile cannot be counted under this rule (e.g. more seats than candidates)."""


@dataclass
class Stage:
    number: int  # 1-based
    action: str  # "first" | "surplus" | "exclusion" | "count" | ...
    subjects: list[int] = field(default_factory=list)  # whose surplus / who is excluded
    totals: list[Value] = field(default_factory=list)  # every candidate's total at the end
    transfers: list[Value] = field(default_factory=list)  # change in each total this stage
    non_transferable: Value = 0  # value of papers exhausted this stage
    loss: Value = 0  # fractions lost to the rule's rounding this stage
    elected: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)
    note: str = ""
    # A surplus stage: what one paper of full value (1 vote) passed on at, in the rule's own
    # arithmetic; None where papers passed at the value they arrived at.
    transfer_value: Value | None = None


@dataclass
class TieBreak:
    stage: int
    purpose: str  # e.g. "exclusion", "surplus order", "election"
    tied: list[int]
    chosen: int
    how: str  # "look-back to stage N" | "lot" | ...
    draw: int | None = None  # the draw number under the seed, for lot


@dataclass
class CountResult:
    method: str
    candidates: list[str]
    seats: int
    quota: Value | None
    valid_poll: Value
    stages: list[Stage]
    elected: list[int]  # in order of election
    invalid: int = 0
    title: str = ""
    decimals: int = 0  # places the rule works to, for display
    tie_breaks: list[TieBreak] = field(default_factory=list)
    seed: int | None = None
    withdrawn: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outcomes: list[dict[str, Any]] | None = None  # every outcome of the lots, with --all-ties
    extra: dict[str, Any] = field(default_factory=dict)  # method-specific facts

    @property
    def excluded(self) -> list[int]:
        return [c for stage in self.stages for c in stage.excluded]

    def elected_names(self) -> list[str]:
        return [self.candidates[c] for c in self.elected]


class Method(Protocol):
    """Every method module exposes `count` with this signature (see counting/__init__.py)."""

    def __call__(
        self,
        profile: Profile,
        seats: int | None = None,
        *,
        seed: int | None = None,
        tie_breaker: Any = None,
        **options: Any,
    ) -> CountResult: ...
