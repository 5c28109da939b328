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
    keying by another officer casts the ballot (and deletes both keyings); a mismatch is refused.
    Returns the receipt once cast, else None."""
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
        if not hmac.compare_digest(
            first.marks_digest, SEAL.keyed_digest(digest, marks_text(marks))
        ):
            raise ElectionError(
                "this keying does not match the first one: check the paper, or discard the "
                "first keying and start again"
            )
        credential = Credential.objects.filter(code_hash=digest, election=election).first()
        if credential is None or credential.voided_at is not None:
            raise CodeRefused("that voting code is not live")
        first.delete()
        receipt = _record_ballot(election, credential, marks, channel)
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
