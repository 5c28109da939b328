"""Checking a voter's receipt."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from mutualise.audit import services as audit
from mutualise.mail import services as mail

from .. import ballot_parser, codes, mixing
from ..lifecycle import State
from ..models import (
    Ballot,
    Election,
    Receipt,
)
from .common import ElectionError


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


def email_receipt(election: Election, receipt: str, address: str) -> None:
    """Send a voter their receipt at the address they typed on the receipt page (docs/secrecy.md,
    "Receipts by email"). The receipt goes in the message's secrets, so the outbox keeps only a
    placeholder once it is sent; the audit event names neither the address nor the receipt.
    Refused where the rulebook's receipts show a ballot's contents: an address beside such a
    receipt, even queued, would tie a voter to what they voted."""
    if mixing.contents_receipts(election):
        raise ElectionError(
            "receipts in this election show how a ballot voted, so they are not sent by email"
        )
    cleaned = codes.normalise(receipt)
    if len(cleaned) != codes.RECEIPT_LENGTH or any(ch not in codes.ALPHABET for ch in cleaned):
        raise ElectionError("that is not a receipt")
    try:
        with transaction.atomic():
            mail.send(
                organisation=election.organisation,
                to=address,
                template="elections/receipt",
                context={"election": election},
                secrets={"receipt": codes.group(cleaned)},
                reason="receipt",
            )
            audit.record(
                election.organisation,
                "election.receipt_emailed",
                actor=None,
                subject=election,
                data={},
            )
    except mail.MailError as exc:
        raise ElectionError(f"email address: {exc}") from None
