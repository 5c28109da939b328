"""Date columns: each read once (a date text seen before is remembered), then the date of birth
and the joining date checked against the day of the import."""

from __future__ import annotations

from datetime import date

from .fields import DATE_FIELDS, DATE_MEMO, EARLIEST_BIRTH
from .parsing import parse_date
from .row_values import RowValues


def date_problem(text: str) -> str:
    """The kind of problem `parse_date`'s reason describes."""
    if "two-digit" in text:
        return "ambiguous_date"
    if "real date" in text:
        return "impossible_date"
    return "unreadable_date"


class DateCheck:
    def __init__(self, row: RowValues, on: date):
        self.on = on
        self.slots = [(t, row.slot[t]) for t in DATE_FIELDS if row.has(t)]
        self.i_born, self.i_joined = row.slot_of("date_of_birth"), row.slot_of("admitted_on")
        # Date text -> date, for dates read before (good ones only: a bad date is explained
        # afresh each time).
        self.known: dict = {}

    def check(self, values: list, bad) -> tuple[date | None, date | None]:
        """Every date column's value becomes a date (or None); returns the date of birth (None
        if it cannot be right) and the joining date."""
        known = self.known
        for target, i in self.slots:
            raw = values[i]
            if not raw:
                values[i] = None
                continue
            day = known.get(raw)
            if day is None:
                try:
                    day = parse_date(raw)
                except ValueError as exc:
                    bad((target, str(exc), date_problem(str(exc))))
                else:
                    if len(known) < DATE_MEMO:
                        known[raw] = day
            values[i] = day
        return self._born(values[self.i_born], bad), self._joined(values[self.i_joined], bad)

    def _born(self, born: date | None, bad) -> date | None:
        if born is None:
            return None
        if born > self.on:
            bad(("date_of_birth", f"{born:%d/%m/%Y} is in the future", "future_date"))
            return None
        if born < EARLIEST_BIRTH:
            bad(
                (
                    "date_of_birth",
                    f"{born:%d/%m/%Y} is before 1900: a typing error?",
                    "implausible_date",
                )
            )
            return None
        return born

    def _joined(self, joined: date | None, bad) -> date | None:
        if joined is not None and joined > self.on:
            bad(
                (
                    "admitted_on",
                    f"the joining date {joined:%d/%m/%Y} is in the future",
                    "future_date",
                )
            )
        return joined
