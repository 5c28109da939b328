"""A "Shares" column: the opening holding, within the rulebook's least and most and, for
withdrawable shares, the Act's cap (s.24)."""

from __future__ import annotations

from mutualise.constitution.money import WITHDRAWABLE_CAP_PENCE

from ..tabular import whole_number
from .row_values import RowValues


def share_ceiling(rules) -> int | None:
    """The most one member may hold, in pence: the rulebook's, and the Act's s.24 cap."""
    limits = [rules.maximum_holding_pence] if rules.maximum_holding_pence is not None else []
    if rules.withdrawable:
        limits.append(WITHDRAWABLE_CAP_PENCE)
    return min(limits) if limits else None


class ShareCheck:
    def __init__(self, row: RowValues, rules):
        self.mapped, self.i = row.has("opening_shares"), row.slot_of("opening_shares")
        self.rules = rules
        self.ceiling = share_ceiling(rules) if rules is not None else None

    def check(self, values: list, bad) -> int:
        """The opening holding in pence (0 for none)."""
        held = values[self.i] if self.mapped else None
        if not held:
            return 0
        rules = self.rules
        count = whole_number(held, max_digits=9)
        if rules is None:
            bad(("opening_shares", "the rulebook issues no shares (shares: null)", "bad_shares"))
            return 0
        if count is None:
            bad(("opening_shares", f"'{held}' is not a whole number of shares", "bad_shares"))
            return 0
        pence = count * rules.nominal_value_pence
        if 0 < pence < rules.minimum_holding_pence:
            bad(
                (
                    "opening_shares",
                    f"{count} shares ({pence}p) is below the least a member holds "
                    f"({rules.minimum_holding_pence}p)",
                    "bad_shares",
                )
            )
        elif self.ceiling is not None and pence > self.ceiling:
            bad(
                (
                    "opening_shares",
                    f"{count} shares ({pence}p) is above the most a member may hold "
                    f"({self.ceiling}p)",
                    "bad_shares",
                )
            )
        return pence
