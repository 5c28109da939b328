"""Replacement voting packs: the returning officer finds a voter on the roll, and sends them a
new voting code by post (a poll card for that one voter, as a PDF to print) or by email
(through the outbox and the worker, as every voting code is). The old code stops working."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mutualise.mail import services as mail

from ..models import Credential, Election, RollEntry, VoteRecord
from .common import ElectionError, _require, timetable
from .credentials import IssuedCode, replace_credential

SEARCH_LIMIT = 20
DELIVERIES = {"post": Credential.Channel.POST, "email": Credential.Channel.EMAIL}


def find_voters(election: Election, query: str, *, actor) -> list[RollEntry]:
    """Voters on the roll by membership number (exactly) or by name (any part of it)."""
    _require("returning_officer", actor, election)
    query = " ".join(query.split())
    if not query:
        return []
    entries = election.roll.filter(removed=False).select_related("member")
    if query.isascii() and query.isdigit() and len(query) < 19:
        entries = entries.filter(member_number=int(query))
    else:
        entries = entries.filter(member__display_name__icontains=query)
    return list(entries.order_by("member__display_name", "member_number")[:SEARCH_LIMIT])


def voter(election: Election, entry_id: int, *, actor) -> RollEntry:
    _require("returning_officer", actor, election)
    entry = (
        election.roll.filter(removed=False, pk=entry_id)
        .select_related("member", "election")
        .first()
    )
    if entry is None:
        raise ElectionError("voter: not on this election's roll")
    return entry


def has_voted(entry: RollEntry) -> bool:
    return VoteRecord.objects.filter(roll_entry_id=entry.pk).exists()


def replace_voting_pack(
    entry: RollEntry, *, delivery: str, reason: str, actor, vote_url: str = ""
) -> bytes | None:
    """Void the voter's code and issue a new one: by post, the poll card as a PDF (returned,
    for the officer to print and post: the plain code is nowhere else); by email, one message
    in the outbox that the worker sends (the code is its secret, cleared once sent)."""
    # why: fpdf2 is heavy (0.6 s): loaded for a PDF only; pdf.py imports services
    from .. import pdf

    election = entry.election
    _require("returning_officer", actor, election)
    if delivery not in DELIVERIES:
        raise ElectionError("send the new code by: choose post or email")
    member = entry.member
    if delivery == "email":
        if not member.email:
            raise ElectionError(
                f"email: {member.display_name} has no email address on the register; send "
                "the new code by post"
            )
        try:
            mail.check_address(member.email)
        except mail.MailError as exc:
            raise ElectionError(f"email: {exc}") from None
    with transaction.atomic():
        code = replace_credential(entry, channel=DELIVERIES[delivery], reason=reason, actor=actor)
        if delivery == "post":
            return pdf.poll_cards(election, [IssuedCode(entry, code)], vote_url=vote_url)
        mail.send(
            organisation=election.organisation,
            to=member.email,
            template="elections/voting_code",
            context={
                "name": member.display_name,
                "election": election,
                "vote_url": vote_url or "the election page",
                "close": timezone.localtime(timetable(election).close_of_poll),
            },
            secrets={"code": code},
            reason="voting-code",
        )
    return None
