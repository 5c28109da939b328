"""The postcode: put in its normal form ("NE1 4LP"), checked, and its sector (outward code and
the inward code's first character, what the rulebook's areas read). A good postcode seen
before is remembered."""

from __future__ import annotations

from .fields import _POSTCODE, POSTCODE_MEMO
from .row_values import RowValues

NO_SECTOR = ("", "")


def normal_postcode(typed: str) -> str:
    compact = typed.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact


class PostcodeCheck:
    def __init__(self, row: RowValues):
        self.i = row.slot_of("postcode")
        self.known: dict = {}  # a good postcode as typed -> (its normal form, its sector)

    def check(self, values: list, bad) -> tuple[str, tuple[str, str]]:
        """(the postcode in normal form, or "" if none or bad; its sector)."""
        typed = values[self.i] or ""
        if not typed:
            return "", NO_SECTOR
        known = self.known.get(typed)
        if known is not None:
            return known
        postcode = normal_postcode(typed)
        if not _POSTCODE.match(postcode):
            bad(("postcode", f"'{typed}' is not a valid UK postcode", "bad_postcode"))
            return "", NO_SECTOR
        outward, _, inward = postcode.partition(" ")
        found = (postcode, (outward, inward[:1]))
        if len(self.known) < POSTCODE_MEMO:
            self.known[typed] = found
        return found
