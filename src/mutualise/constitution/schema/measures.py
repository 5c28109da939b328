"""Year ends, periods and thresholds."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    model_validator,
)

from .types import MONTHS, Count, Proportion, Strict, percent

# ---------------------------------------------------------------------------------------------
# Small value types


class YearEnd(Strict):
    """A day of the year, written in YAML as '31 March'. Its date in a given year, and
    which year end was the last, are `constitution/calendar.py`'s (`year_end_in`,
    `last_year_end`)."""

    day: int = Field(ge=1, le=31)
    month: int = Field(ge=1, le=12)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d{1,2})\s+([A-Za-z]+)\s*", value)
            if not match or match.group(2).lower() not in MONTHS:
                raise ValueError(f"expected a day and month such as '31 March', got {value!r}")
            return {"day": int(match.group(1)), "month": MONTHS.index(match.group(2).lower()) + 1}
        if not isinstance(value, dict | BaseModel):
            raise ValueError(f"expected a day and month such as '31 March', got {value!r}")
        return value

    @model_validator(mode="after")
    def _real_day(self) -> YearEnd:
        date(2024, self.month, self.day)  # a leap year, so 29 February is allowed
        return self

    def __str__(self) -> str:
        return f"{self.day} {MONTHS[self.month - 1].capitalize()}"


class Period(Strict):
    """A length of time written in YAML as '6 weeks', '1 month' or '28 days'."""

    amount: Count
    unit: Literal["days", "weeks", "months", "years"]

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d+)\s+(day|week|month|year)s?\s*", value)
            if not match:
                raise ValueError(f"expected a period such as '28 days' or '1 month', got {value!r}")
            return {"amount": int(match.group(1)), "unit": match.group(2) + "s"}
        if not isinstance(value, dict | BaseModel):
            raise ValueError(f"expected a period such as '28 days' or '1 month', got {value!r}")
        return value

    def __str__(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"


class Threshold(Strict):
    """'at least 3/4' (inclusive) versus 'more than 1/2' (not inclusive)."""

    fraction: Proportion
    inclusive: bool

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        # 'at least 3/4' and 'more than 1/2' read as the rule books print them.
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(at least|more than)\s+(.+?)\s*", value)
            if not match:
                raise ValueError(
                    f"expected 'at least 3/4', 'more than 1/2' or "
                    f"{{fraction: 3/4, inclusive: true}}, got {value!r}"
                )
            return {"fraction": match.group(2), "inclusive": match.group(1) == "at least"}
        if not isinstance(value, dict | BaseModel):
            raise ValueError(
                f"expected 'at least 3/4', 'more than 1/2' or "
                f"{{fraction: 3/4, inclusive: true}}, got {value!r}"
            )
        return value

    def met(self, part: int, whole: int) -> bool:
        if whole <= 0:
            return False
        share = Fraction(part, whole)
        return share >= self.fraction if self.inclusive else share > self.fraction

    def __str__(self) -> str:
        return ("at least " if self.inclusive else "more than ") + percent(self.fraction)
