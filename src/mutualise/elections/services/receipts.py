"""Checking a voter's receipt."""

from __future__ import annotations

from dataclasses import dataclass

from .. import ballot_parser, codes, mixing
from ..lifecycle import State
from ..models import (
    Ballot,
    Election,
    Receipt,
)


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool
    marks: tuple[int, ...] | None = None  # only where the rulebook chose content receipts


def check_receipt(election: Election, receipt: str) -> ReceiptCheck | None:
    """Whether a receipt is in the count (once the result is declared; None before). Where the
    rulebook chose receipts that show contents, also what that ballot says."""
    if election.state != State.DECLARED:
        return None
    cleaned = codes.group(codes.normalise(receipt))
    if mixing.contents_receipts(election):
        ballot = Ballot.objects.filter(election=election, receipt=cleaned).first()
        if ballot is None:
            return ReceiptCheck(found=False)
        return ReceiptCheck(found=True, marks=ballot_parser.from_text(ballot.marks))
    return ReceiptCheck(found=Receipt.objects.filter(election=election, receipt=cleaned).exists())
