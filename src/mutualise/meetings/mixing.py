"""The secret-poll ballot box (docs/secrecy-meeting-polls.md): votes go in sealed, a mixer opens
them in shuffled batches of at least K, and the declaration rewrites everything in random order.

- A vote writes its `VoteRecord` (random id) and its `SealedBallot` (random id, contents sealed
  under a key outside the database) in ONE transaction: neither is ever kept without the other,
  so an acknowledged vote is never lost, and a vote is refused whole or taken whole.
- The mixer works like a pool: once 2K sealed ballots wait, it opens all but K of them, chosen
  at random, and writes their contents into `Ballot` and their receipts into `PollReceipt`, each
  list in its own random order, in one transaction that also deletes what it opened. Every batch
  is at least K ballots, and K always stay behind to be mixed with later ones. The batch is
  written by the shared mixer's `write_batch` (secrecy/mixer.py), which also records its keyed
  sum in the audit chain, so a mixed ballot rewritten before the declaration shows.
- The declaration opens the rest (however few: a poll with fewer voters than K is one batch), and
  rewrites every ballot, receipt and vote record of the poll with new random ids in random order,
  so nothing that survives into later copies of the database says in which batch a vote was.
"""

from __future__ import annotations

import hashlib
import logging
import random
import uuid
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, connection, transaction

from mutualise.secrecy import mixer, typeable
from mutualise.secrecy.sealing import Sealer

from .lifecycle import ResolutionState
from .models import Ballot, PollReceipt, Resolution, SealedBallot, VoteRecord, random_id

# Ballots waiting to be mixed are sealed to this fixed size: a choice, a receipt hash and a member id.
SEAL = Sealer("meetings", 160)
MIXED_ACTION = "resolution.ballots_mixed"  # one per mix batch: its keyed sum (audit/batch_sums.py)

log = logging.getLogger(__name__)
_shuffle = random.SystemRandom().shuffle


class VoteRefused(ValueError):
    """The resolution no longer takes votes, or the member has voted already."""


@dataclass(frozen=True)
class Acknowledgement:
    resolution: int
    receipt: str  # give this to the voter; only its hash is stored, and only after mixing

    def __str__(self) -> str:
        return self.receipt


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


def _rules(resolution: Resolution):
    # The vote page loads the resolution with its meeting and organisation: no query for them.
    if "meeting" in resolution._state.fields_cache:
        return resolution.meeting.organisation.constitution.meetings
    return resolution.organisation.constitution.meetings


def batch_size(resolution: Resolution) -> int:
    return _rules(resolution).secrecy_batch if resolution.secret else 0


def shows_contents(resolution: Resolution) -> bool:
    return _rules(resolution).receipts == "contents"


# --- casting --------------------------------------------------------------------------------

# One statement on PostgreSQL. The resolution row is read FOR SHARE: votes do not wait for each
# other, but a declaration (FOR UPDATE) waits for votes in flight and later votes wait for it, so
# no acknowledged vote misses the count. The unique (resolution, member) record decides between
# two votes of one member; the sealed ballot goes in only if the record did.
_VOTE_SQL = """
WITH taking AS (
    SELECT id FROM {resolution} WHERE id = %(resolution)s AND state = %(state)s FOR SHARE
), record AS (
    INSERT INTO {record} (id, organisation_id, resolution_id, member_id, channel)
    SELECT %(record_id)s, %(organisation)s, id, %(member)s, %(channel)s FROM taking
    ON CONFLICT (resolution_id, member_id) DO NOTHING
    RETURNING resolution_id
), sealed AS (
    INSERT INTO {sealed} (id, organisation_id, resolution_id, sealed)
    SELECT %(sealed_id)s, %(organisation)s, resolution_id, %(sealed)s FROM record
    RETURNING 1
)
SELECT (SELECT count(*) FROM taking), (SELECT count(*) FROM sealed),
       (SELECT count(*) FROM {sealed} WHERE resolution_id = %(resolution)s)
"""


def write_vote(resolution: Resolution, member, choice: str, channel: str, state: str):
    """The "has voted" record and the sealed ballot, together, only while the resolution is in
    `state`. No audit event per vote (the declaration audits the counts and the digests).
    Returns the acknowledgement and how many sealed ballots now wait (for `mix_when_ready`)."""
    receipt = typeable.new_receipt()
    opened = {
        "c": choice,
        "r": receipt_hash(receipt),
        "m": None if resolution.secret else member.pk,
    }
    rows = {
        "organisation": resolution.organisation_id,
        "resolution": resolution.pk,
        "state": state,
        "record_id": random_id(),
        "member": member.pk,
        "channel": channel,
        "sealed_id": random_id(),
        "sealed": SEAL.seal(opened),
    }
    if connection.vendor == "postgresql":
        sql = _VOTE_SQL.format(
            resolution=Resolution._meta.db_table,
            record=VoteRecord._meta.db_table,
            sealed=SealedBallot._meta.db_table,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, rows)
            taking, written, waiting = cursor.fetchone()
    else:
        taking, written, waiting = _write_with_orm(rows)
    if not taking:
        raise VoteRefused("voting on this resolution has closed")
    if not written:
        raise VoteRefused(f"member {member.number} has already voted on this resolution")
    # Sealed ballots waiting, this one included (as the vote's own snapshot saw them).
    return Acknowledgement(resolution.number, receipt), waiting + 1


def _write_with_orm(rows: dict) -> tuple[bool, bool, int]:
    # SQLite writers hold the whole database, so a plain re-read of the state is enough here.
    try:
        with transaction.atomic():
            state = Resolution.objects.filter(pk=rows["resolution"]).values_list("state", flat=True)
            if state.get() != rows["state"]:
                return False, False, 0
            VoteRecord.objects.create(
                id=rows["record_id"],
                organisation_id=rows["organisation"],
                resolution_id=rows["resolution"],
                member_id=rows["member"],
                channel=rows["channel"],
            )
            SealedBallot.objects.create(
                id=rows["sealed_id"],
                organisation_id=rows["organisation"],
                resolution_id=rows["resolution"],
                sealed=rows["sealed"],
            )
    except IntegrityError:
        return True, False, 0
    waiting = SealedBallot.objects.filter(resolution_id=rows["resolution"]).count() - 1
    return True, True, waiting


# --- mixing ---------------------------------------------------------------------------------


def _open(resolution: Resolution, opened: list[dict]) -> mixer.Opened:
    contents = shows_contents(resolution)
    ballots = [
        {"choice": o["c"], "receipt": o["r"] if contents else "", "member_id": o["m"]}
        for o in opened
    ]
    return mixer.Opened(
        # Each list in its own random order: nothing relates a receipt's row to a ballot's.
        tables=[(Ballot, ballots), (PollReceipt, [{"receipt": o["r"]} for o in opened])],
        contents=[o["c"] for o in opened],
        record_ids=None,  # the declaration rewrites every vote record of the poll (close_box)
    )


BOX = mixer.Box(
    held=SealedBallot,
    records=VoteRecord,
    parent="resolution",
    seal=SEAL,
    lock_space=7303,
    mixed_action=MIXED_ACTION,
    open=_open,
)


def _open_into_tables(resolution: Resolution, sealed: list[str]) -> None:
    """The batch's ballots and receipts, each in its own random order, and its keyed sum, so a
    mixed ballot rewritten before the declaration no longer adds up (secrecy/mixer.py)."""
    mixer.write_batch(BOX, resolution, _open(resolution, SEAL.unseal_many(sealed)))


def _take(resolution: Resolution, keep: int, least: int = 0) -> int:
    """Open all sealed ballots of `resolution` but `keep` (chosen at random), if at least
    `least` wait. Inside a transaction. The delete must remove every row read, else another
    mixer took some first (and this one rolls back)."""
    held = SealedBallot.objects.filter(resolution_id=resolution.pk)
    if connection.vendor == "postgresql":
        held = held.select_for_update(skip_locked=True)
    rows = list(held.values_list("id", "sealed"))
    if len(rows) < least:
        return 0
    _shuffle(rows)
    chosen = rows[keep:] if keep else rows
    if not chosen:
        return 0
    ids = [pk for pk, _ in chosen]
    deleted = 0
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        deleted += SealedBallot.objects.filter(pk__in=part).delete()[0]
    if deleted != len(ids):
        raise DatabaseError("another mixer opened some of these ballots first")
    _open_into_tables(resolution, [text for _, text in chosen])
    return len(chosen)


def mix_when_ready(resolution: Resolution, waiting: int | None = None) -> int:
    """Open a batch if at least 2K sealed ballots wait (K stay behind). Returns ballots opened.
    Called after each vote commits, with the count its statement saw; a failure here loses
    nothing (the votes stay sealed and are opened by a later mix or at the declaration)."""
    k = batch_size(resolution)  # 0 for an open ballot: it has no secret to keep
    if waiting is None:
        waiting = SealedBallot.objects.filter(resolution_id=resolution.pk).count()
    if waiting < max(2 * k, 1):
        return 0
    try:
        with transaction.atomic():
            return _take(resolution, keep=k, least=max(2 * k, 1))
    except DatabaseError:  # another mixer, or a busy database: the ballots wait, sealed
        log.info("mixing resolution %s deferred", resolution.pk, exc_info=True)
        return 0


def _rewrite(model, resolution: Resolution, rows: list[dict], make) -> None:
    model.objects.filter(resolution_id=resolution.pk).delete()
    _shuffle(rows)
    model.objects.bulk_create([make(row) for row in rows], batch_size=2000)


def close_box(resolution: Resolution) -> None:
    """At the declaration (inside its transaction, the resolution locked): open every sealed
    ballot that is left, then rewrite the poll's ballots, receipts and vote records with fresh
    random ids in random order."""
    assert resolution.state != ResolutionState.DECLARED
    _take(resolution, keep=0)
    where = {"resolution_id": resolution.pk}
    ballots = list(
        Ballot.objects.filter(**where).values(
            "organisation_id", "resolution_id", "choice", "receipt", "member_id"
        )
    )
    _rewrite(Ballot, resolution, ballots, lambda row: Ballot(id=uuid.uuid4(), **row))
    receipts = list(
        PollReceipt.objects.filter(**where).values("organisation_id", "resolution_id", "receipt")
    )
    _rewrite(PollReceipt, resolution, receipts, lambda row: PollReceipt(id=random_id(), **row))
    records = list(
        VoteRecord.objects.filter(**where).values(
            "organisation_id", "resolution_id", "member_id", "channel"
        )
    )
    _rewrite(VoteRecord, resolution, records, lambda row: VoteRecord(id=random_id(), **row))


# --- what is published ----------------------------------------------------------------------


def ballots_text(resolution: Resolution) -> str:
    """The published anonymised ballot list, as CSV text: with inclusion receipts one column,
    `choice`, sorted; with contents receipts `receipt_sha256,choice`, sorted by receipt. This
    text is what the page serves and what `ballots_sha256` digests."""
    rows = Ballot.objects.filter(resolution_id=resolution.pk)
    if shows_contents(resolution):
        lines = ["receipt_sha256,choice"]
        pairs = rows.order_by("receipt").values_list("receipt", "choice")
        lines += [f"{r},{c}" for r, c in pairs.iterator(chunk_size=5000)]
    else:
        lines = ["choice"]
        lines += list(rows.order_by("choice").values_list("choice", flat=True))
    return "\r\n".join(lines) + "\r\n"


def receipts_text(resolution: Resolution) -> str:
    """The published list of receipts counted (SHA-256 of each), sorted; digested as
    `receipts_sha256`. Nothing in it relates a receipt to a line of the ballot list."""
    rows = PollReceipt.objects.filter(resolution_id=resolution.pk).order_by("receipt")
    lines = ["receipt_sha256", *rows.values_list("receipt", flat=True)]
    return "\r\n".join(lines) + "\r\n"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
