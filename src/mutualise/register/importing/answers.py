"""Yes-or-no columns (large print, easy read, staff, fixed-term contract) and the contract's
length in months."""

from __future__ import annotations

from ..tabular import whole_number
from .fields import NO, YES, YES_NO_FIELDS
from .row_values import RowValues


class YesNoCheck:
    def __init__(self, row: RowValues):
        self.slots = [(t, row.slot[t]) for t in YES_NO_FIELDS if row.has(t)]

    def check(self, values: list, bad) -> None:
        """Each yes-no value becomes True, False or None (a blank fixed-term answer: unknown)."""
        for target, i in self.slots:
            raw = values[i]
            text = str(raw).lower()
            if text in YES:
                values[i] = True
            elif text in NO:
                values[i] = None if target == "contract_fixed_term" and not text else False
            else:
                bad((target, f"'{raw}' should be yes or no", "bad_yes_no"))
                values[i] = None


class MonthsCheck:
    def __init__(self, row: RowValues):
        self.mapped = row.has("contract_months")
        self.i = row.slot_of("contract_months")

    def check(self, values: list, bad) -> int | None:
        """The contract's length in months, or None."""
        months = values[self.i] if self.mapped else None
        if not months:
            return None
        number = whole_number(months, max_digits=3)
        if number is None:
            bad(("contract_months", f"'{months}' is not a number of months", "bad_number"))
        return number
