"""The member's name (one column, or first and last name joined) and every text's length."""

from __future__ import annotations

from .fields import MAX_LENGTH
from .row_values import RowValues


class NameCheck:
    def __init__(self, row: RowValues):
        self.joined = not row.has("display_name")
        self.target = "family_name" if self.joined else "display_name"
        self.i_name = row.slot_of("display_name")
        self.i_given, self.i_family = row.slot_of("given_name"), row.slot_of("family_name")
        self.limit = MAX_LENGTH["display_name"]

    def check(self, values: list, bad) -> str:
        """The name as it goes on the register."""
        if self.joined:
            name = " ".join(filter(None, (values[self.i_given], values[self.i_family])))
            if len(name) > self.limit:  # the parts are not length-checked on their own
                bad(
                    (
                        self.target,
                        f"first and last name together are {len(name)} characters long;"
                        f" at most {self.limit} fit",
                        "too_long",
                    )
                )
        else:
            name = values[self.i_name]
        if not name:
            bad((self.target, "the name is missing", "missing_name"))
        return name


class LengthCheck:
    """Each text no longer than the register holds. Most rows have no value near its limit:
    one look at the longest first."""

    def __init__(self, row: RowValues):
        self.slots = [(t, row.slot[t], limit) for t, limit in MAX_LENGTH.items() if row.has(t)]
        self.shortest = min((limit for _, _, limit in self.slots), default=0)
        self.indices = [i for _, i, _ in self.slots]

    def check(self, values: list, bad) -> None:
        if not self.slots:
            return
        if max(map(len, (values[i] for i in self.indices))) <= self.shortest:
            return
        for target, i, limit in self.slots:
            text = values[i]
            if len(text) > limit:
                bad((target, f"is {len(text)} characters long; at most {limit} fit", "too_long"))
