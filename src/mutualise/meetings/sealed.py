"""The poll ballots the audit chain seals at the declaration (audit/digests.py), read the one
way both the declaration and `mutualise audit verify` read them: each ballot's id and choice."""

from . import mixing
from .models import Ballot, Resolution

SEALED_ACTION = "resolution.ballots_sealed"
MIXED_ACTION = mixing.MIXED_ACTION


def stored_ballots(resolution_id: str):
    rows = Ballot.objects.filter(resolution_id=int(resolution_id)).values_list("id", "choice")
    return ((str(ballot_id), choice) for ballot_id, choice in rows.iterator(chunk_size=5000))


def published_digest(resolution_id: str) -> str:
    """`ballots_sha256` as the result page prints it: the SHA-256 of the published ballot list."""

    return mixing.digest(mixing.ballots_text(Resolution.objects.get(pk=int(resolution_id))))
