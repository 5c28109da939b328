"""The elections app's ballot box, as the shared set-wise mixer sees it (secrecy/mixer.py says
how a batch is mixed; docs/secrecy.md why).

What is the elections app's own: what a sealed ballot holds (the marks, the receipt and the vote
record's key), what it becomes (a `Ballot` with its marks, and the receipt apart as a `Receipt`,
or kept on the ballot too where the rulebook chooses receipts that show contents), and K, the
rulebook's `elections.secrecy_batch`. During the poll a batch is mixed only when 2K are waiting,
and K are left behind, so the last batch (mixed at the count, with any postal ballots keyed
after the close) has at least K too; a poll with fewer than K voters is mixed as one batch at the
count.
"""

from __future__ import annotations

import uuid

from mutualise.secrecy import mixer
from mutualise.secrecy.mixer import MixFailed  # noqa: F401  (the count and tests catch it)
from mutualise.secrecy.sealing import Sealer

from . import turnout
from .mixing_rules import batch_size, contents_receipts
from .models import Ballot, Election, Receipt, SealedBallot, VoteRecord
from .sealed import MIXED_ACTION

# Ballots waiting to be mixed are sealed to this fixed size: room for 200 preferences and the receipt.
SEAL = Sealer("elections", 1024)


def seal_cast(marks: str, receipt: str, record_id: uuid.UUID) -> str:
    return SEAL.seal({"m": marks, "r": receipt, "v": record_id.hex})


def _open(election: Election, opened: list[dict]) -> mixer.Opened:
    keep_receipt = contents_receipts(election)
    return mixer.Opened(
        tables=[
            (
                Ballot,
                [{"marks": o["m"], "receipt": o["r"] if keep_receipt else ""} for o in opened],
            ),
            (Receipt, [{"receipt": o["r"]} for o in opened]),
        ],
        contents=[o["m"] for o in opened],
        record_ids=[uuid.UUID(o["v"]) for o in opened],
    )


BOX = mixer.Box(
    held=SealedBallot,
    records=VoteRecord,
    parent="election",
    seal=SEAL,
    lock_space=7301,
    mixed_action=MIXED_ACTION,
    open=_open,
    on_batch=turnout.record_batch,
)


def mix(election: Election, *, final: bool = False, k: int | None = None) -> int:
    """Mix one batch if one is due (all that wait if `final`); returns how many were mixed."""
    return mixer.mix(BOX, election, k=k or batch_size(election), final=final)


def after_cast(election: Election) -> None:
    """Called after a cast has committed: about one cast in K tries to mix a batch, so the
    holding table stays near 2K without every cast counting it."""
    k = batch_size(election)
    if mixer.RANDOM.randrange(k) == 0:
        mix(election, k=k)


def waiting(election: Election) -> int:
    return SealedBallot.objects.filter(election=election).count()


def cast_count(election: Election) -> int:
    """Ballots cast so far, mixed or still sealed."""
    return Ballot.objects.filter(election=election).count() + waiting(election)
