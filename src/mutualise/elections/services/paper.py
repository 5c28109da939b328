"""Paper ballots keyed in by the returning officer."""

from __future__ import annotations

import hmac

from django.db import transaction

from mutualise.audit import services as audit

from .. import codes
from ..lifecycle import State
from ..mixing import SEAL
from ..models import (
    Credential,
    Election,
    PaperEntry,
)
from .casting import _checked_for_poll, _mix_after_cast, _record_ballot, marks_text
from .common import CodeRefused, ElectionError, _require, _require_channel
from .credentials import check_code


def key_paper_ballot(
    election: Election, code: str, marks: list[int], *, actor, channel: str = "post"
) -> str | None:
    """Double-key entry of a postal or paper ballot: the first keying is held; a matching second
    keying by another officer casts the ballot (and deletes both keyings); a mismatch is refused
    and discards the first keying too (so a keying is no oracle for guessing marks). Returns the receipt once cast, else None."""
    _require("returning_officer", actor, election)
    if election.state not in (State.POLL_OPEN, State.POLL_CLOSED):
        raise ElectionError("postal and paper ballots are entered while the poll is open or closed")
    _require_channel(election, channel)
    marks = _checked_for_poll(election, marks)
    digest = codes.code_hash(election.pk, code)
    name = audit.actor_name(actor)
    with transaction.atomic():
        first = (
            PaperEntry.objects.select_for_update()
            .filter(election=election, code_hash=digest)
            .first()
        )
        if first is None:
            check_code(election, code)
            PaperEntry.objects.create(
                organisation_id=election.organisation_id,
                election=election,
                code_hash=digest,
                marks_digest=SEAL.keyed_digest(digest, marks_text(marks)),
                keyed_by=None if isinstance(actor, str) else actor,
                keyed_by_name=name,
            )
            return None
        if first.keyed_by_name == name:
            raise ElectionError("the second keying must be done by a different officer")
        matched = hmac.compare_digest(
            first.marks_digest, SEAL.keyed_digest(digest, marks_text(marks))
        )
        first.delete()
        if not matched:
            # Both thrown away, not the first kept: a kept first keying would answer guess
            # after guess, so an officer with a voter's code (poll cards) but not their paper
            # could try marks until one matched and learn the vote, unrecorded. Now each paper
            # gives one guess, audited, and the first officer sees their keying gone.
            audit.record(
                election.organisation, "election.paper_keying_discarded", actor=actor,
                subject=election, data={"reason": "the second keying did not match"},
            )  # fmt: skip
        else:
            credential = Credential.objects.filter(code_hash=digest, election=election).first()
            if credential is None or credential.voided_at is not None:
                raise CodeRefused("that voting code is not live")
            receipt = _record_ballot(election, credential, marks, channel)
    if not matched:
        raise ElectionError(
            "this keying does not match the first one, so both are discarded: check the "
            "paper and key it again, twice"
        )
    _mix_after_cast(election)
    return receipt


def discard_paper_keying(election: Election, code: str, *, actor) -> bool:
    _require("returning_officer", actor, election)
    digest = codes.code_hash(election.pk, code)
    with transaction.atomic():
        deleted, _ = PaperEntry.objects.filter(election=election, code_hash=digest).delete()
        if deleted:  # who threw a keying away, never whose (no code, no marks)
            audit.record(
                election.organisation, "election.paper_keying_discarded", actor=actor,
                subject=election,
            )  # fmt: skip
    return bool(deleted)
