"""What a budget count returns: the funded projects, the pot spent, and every step as data a voter
can follow ("project 46 funded: 172 supporters paid 209.30 each"). Amounts are exact `Fraction`s;
`money()` shows them to the penny (cent, grosz), rounded half up, for people.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


class BudgetError(ValueError):
    """The ballots cannot be counted under this rule (e.g. MES on ranked ballots)."""


def money(value: Fraction, symbol: str = "") -> str:
    pence = (value * 100 + Fraction(1, 2)).__floor__()
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return f"{sign}{symbol}{pence // 100:,}.{pence % 100:02d}"


# The symbol shown before amounts in the reasons, by the file's `currency` (ISO 4217); other
# currencies (pabulib's PLN, EUR...) print bare amounts as pabulib's own reports do.
SYMBOLS = {"GBP": "£"}


def symbol_of(instance) -> str:
    return SYMBOLS.get(instance.meta.get("currency", "").strip().upper(), "")


def supporters(n: int) -> str:
    return f"{n} supporter" if n == 1 else f"{n} supporters"


@dataclass
class Step:
    number: int
    project: str  # the id as in the file
    action: str  # "funded" | "skipped" | "round"
    text: str  # one plain sentence
    cost: Fraction = Fraction(0)
    score: Fraction | None = None  # greedy: the project's score
    price: Fraction | None = None  # MES: what each supporter who could afford it paid
    full_payers: int = 0  # MES: supporters who paid the full price
    partial_payers: int = 0  # MES: supporters who paid all they had left (less than the price)
    partial_paid: Fraction = Fraction(0)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "step": self.number,
            "project": self.project,
            "action": self.action,
            "text": self.text,
            "cost": str(self.cost),
        }
        if self.score is not None:
            data["score"] = str(self.score)
        if self.price is not None:
            data.update(
                price=str(self.price),
                price_display=money(self.price),
                full_payers=self.full_payers,
                partial_payers=self.partial_payers,
                partial_paid=str(self.partial_paid),
            )
        return data


@dataclass
class BudgetResult:
    rule: str
    budget: Fraction
    selected: list[str]  # in the order the rule funded them
    steps: list[Step] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)  # every project: why it won or lost
    per_voter: Fraction | None = None  # MES: each voter's share in the run that was kept
    rounds: int = 0  # Add1: MES runs computed (runs proved identical are skipped, see add1.py)
    tie_rule: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def spent(self) -> Fraction:
        return sum((s.cost for s in self.steps if s.action == "funded"), Fraction(0))

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "selected": list(self.selected),
            "spent": str(self.spent),
            "spent_display": money(self.spent),
            "budget": str(self.budget),
            "left_over": str(self.budget - self.spent),
            "tie_rule": self.tie_rule,
            "steps": [s.as_dict() for s in self.steps],
            "reasons": dict(self.reasons),
        }
        if self.per_voter is not None:
            data["per_voter"] = str(self.per_voter)
            data["per_voter_display"] = money(self.per_voter)
            data["rounds"] = self.rounds
        if self.notes:
            data["notes"] = list(self.notes)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=indent)

    def to_text(self) -> str:
        lines = [
            f"Rule: {self.rule}",
            f"Budget: {money(self.budget)}; spent {money(self.spent)}; "
            f"left over {money(self.budget - self.spent)}",
        ]
        if self.per_voter is not None:
            lines.append(f"Each voter's share: {money(self.per_voter)} ({self.rounds} MES runs)")
        lines.append(f"Ties: {self.tie_rule}")
        lines += [f"{s.number:>3}. {s.text}" for s in self.steps]
        lines.append(f"Funded: {', '.join(self.selected) or 'none'}")
        lines += [
            f"  {pid}: {why}" for pid, why in self.reasons.items() if pid not in self.selected
        ]
        lines += self.notes
        return "\n".join(lines)
