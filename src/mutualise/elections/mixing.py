"""The mixer: sealed ballots out of the holding table, in shuffled batches of at least K.

In one transaction the mixer opens a batch of sealed ballots, deletes them, writes their
contents as `Ballot` rows and their receipts as `Receipt` rows (each list in its own random
order, under fresh random keys), and deletes and rewrites the batch's vote records in a third
random order under fresh keys. Afterwards the ballots, the receipts and the vote records of a
batch share one transaction (PostgreSQL's xmin), neighbouring pages and neighbouring positions
in a dump, and nothing finer: whoever holds a copy links a ballot to its voter no better than
chance among the batch.

Every batch holds at least K (the rulebook's `elections.secrecy_batch`): during the poll a batch
is mixed only when 2K are waiting, and K are left behind, so the last batch (mixed at the count,
with any postal ballots keyed after the close) has at least K too. A poll with fewer than K
voters is mixed as one batch at the count. A kill at any moment leaves each ballot either sealed
or mixed, never both and never neither: the mixer's transaction commits or it does not.
"""

from __future__ import annotations

import secrets
import uuid
from collections import Counter

from django.db import connection, transaction

from mutualise.audit import services as audit
from mutualise.secrecy.sealing import Sealer

from . import turnout
from .models import Ballot, Election, Receipt, SealedBallot, VoteRecord
from .sealed import MIXED_ACTION

# Ballots waiting to be mixed are sealed to this fixed size: room for 200 preferences and the receipt.
SEAL = Sealer("elections", 1024)

CHUNK = 5000
_RANDOM = secrets.SystemRandom()
_LOCK_SPACE = 7301  # PostgreSQL advisory lock namespace: one mixer per election at a time


class MixFailed(RuntimeError):
    """The holding table does not match the vote records (it never should)."""


_SETTINGS: dict[tuple, tuple[int, bool]] = {}


def _settings(election: Election) -> tuple[int, bool]:
    """The rulebook's K and receipt kind, read once per process per election (casting must not
    load the rulebook every time)."""
    key = (election.pk, election.created_at)
    if key not in _SETTINGS:
        rules = election.organisation.constitution.elections
        _SETTINGS[key] = (rules.secrecy_batch, rules.receipts == "contents")
    return _SETTINGS[key]


def batch_size(election: Election) -> int:
    return _settings(election)[0]


def contents_receipts(election: Election) -> bool:
    return _settings(election)[1]


def seal_cast(marks: str, receipt: str, record_id: uuid.UUID) -> str:
    return SEAL.seal({"m": marks, "r": receipt, "v": record_id.hex})


def _locked(election: Election, wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite has one writer at a time already
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, election.pk])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, election.pk])
        return bool(cursor.fetchone()[0])


def _chunks(items: list) -> list[list]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def mix(election: Election, *, final: bool = False, k: int | None = None) -> int:
    """Mix one batch if one is due (all that wait if `final`); returns how many were mixed."""
    k = k or batch_size(election)
    with transaction.atomic():
        if not _locked(election, wait=final):
            return 0  # another mixer is at it
        waiting = list(SealedBallot.objects.filter(election=election).values_list("id", "sealed"))
        if final:
            batch = waiting
        elif len(waiting) >= 2 * k:
            batch = _RANDOM.sample(waiting, len(waiting) - k)
        else:
            return 0
        if not batch:
            return 0
        opened = SEAL.unseal_many([sealed for _, sealed in batch])
        keep_receipt = contents_receipts(election)
        ballots = [(item["m"], item["r"] if keep_receipt else "") for item in opened]
        receipts = [item["r"] for item in opened]
        records = [uuid.UUID(item["v"]) for item in opened]
        _RANDOM.shuffle(ballots)
        _RANDOM.shuffle(receipts)
        if connection.vendor == "postgresql":
            channels = _write_setwise(election, [pk for pk, _ in batch], ballots, receipts, records)
        else:
            channels = _write_by_rows(election, [pk for pk, _ in batch], ballots, receipts, records)
        turnout.record_batch(election, channels)
        # The batch's keyed sum, in its own transaction (audit/batch_sums.py): a mixed ballot
        # rewritten before the count no longer adds up.
        audit.record_batch(
            election.organisation,
            MIXED_ACTION,
            subject=election,
            actor="mixer",
            contents=(marks for marks, _ in ballots),
        )
    return len(batch)


def _columns(model, given: dict[str, str]) -> tuple[str, str]:
    """The model's columns and, for each, the SQL that fills it: `given` for those named there,
    the election's own value for any other (organisation_id), so a new column is carried."""
    columns = [f.column for f in model._meta.concrete_fields]
    values = [given.get(c, f"e.{c}") for c in columns]
    return ", ".join(columns), ", ".join(values)


def _write_setwise(election, sealed_ids, ballots, receipts, records) -> Counter:
    """PostgreSQL: the batch in four statements, whatever its size (the million at the count
    included), each list inserted in the order Python shuffled it (WITH ORDINALITY)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {SealedBallot._meta.db_table} WHERE id = ANY(%s::uuid[])", [sealed_ids]
        )
        columns, values = _columns(
            Ballot,
            {
                "id": "gen_random_uuid()",
                "election_id": "e.id",
                "marks": "b.marks",
                "receipt": "b.receipt",
            },
        )
        cursor.execute(
            f"INSERT INTO {Ballot._meta.db_table} ({columns}) SELECT {values} FROM "
            f"{Election._meta.db_table} e, unnest(%s::text[], %s::text[]) WITH ORDINALITY "
            "AS b(marks, receipt, n) WHERE e.id = %s ORDER BY b.n",
            [[m for m, _ in ballots], [r for _, r in ballots], election.pk],
        )
        columns, values = _columns(
            Receipt, {"id": "gen_random_uuid()", "election_id": "e.id", "receipt": "b.receipt"}
        )
        cursor.execute(
            f"INSERT INTO {Receipt._meta.db_table} ({columns}) SELECT {values} FROM "
            f"{Election._meta.db_table} e, unnest(%s::text[]) WITH ORDINALITY AS b(receipt, n) "
            "WHERE e.id = %s ORDER BY b.n",
            [receipts, election.pk],
        )
        # The vote records: deleted and written again under fresh keys in a fresh random
        # order (gen_random_uuid is drawn from the operating system's random source).
        table = VoteRecord._meta.db_table
        kept = [f.column for f in VoteRecord._meta.concrete_fields if f.column != "id"]
        # The batch's channels come back from the same statement, for the turnout tally.
        cursor.execute(
            f"WITH gone AS (DELETE FROM {table} WHERE election_id = %s AND id = ANY(%s::uuid[]) "
            f"RETURNING {', '.join(kept)}), fresh AS (INSERT INTO {table} (id, {', '.join(kept)}) "
            f"SELECT gen_random_uuid(), {', '.join(kept)} FROM gone ORDER BY gen_random_uuid() "
            "RETURNING channel) SELECT channel, count(*) FROM fresh GROUP BY channel",
            [election.pk, records],
        )
        channels = Counter(dict(cursor.fetchall()))
        if channels.total() != len(records):
            raise MixFailed(
                f"{len(records)} sealed ballots but {channels.total()} vote records: not mixed"
            )
        return channels


def _write_by_rows(election, sealed_ids, ballots, receipts, records) -> Counter:
    for ids in _chunks(sealed_ids):
        SealedBallot.objects.filter(pk__in=ids).delete()
    Ballot.objects.bulk_create(
        [
            Ballot(
                id=uuid.uuid4(),
                organisation_id=election.organisation_id,
                election_id=election.pk,
                marks=marks,
                receipt=receipt,
            )
            for marks, receipt in ballots
        ],
        batch_size=CHUNK,
    )
    Receipt.objects.bulk_create(
        [
            Receipt(
                id=uuid.uuid4(),
                organisation_id=election.organisation_id,
                election_id=election.pk,
                receipt=r,
            )
            for r in receipts
        ],
        batch_size=CHUNK,
    )
    return _rewrite_vote_records(election, records)


def _rewrite_vote_records(election: Election, record_ids: list[uuid.UUID]) -> Counter:
    """Delete the batch's vote records and write them again, shuffled, under new keys, so their
    transaction, position and key say no more than the batch they belong to."""
    records = []
    for ids in _chunks(record_ids):
        records += VoteRecord.objects.filter(election=election, pk__in=ids).values_list(
            "roll_entry_id", "channel"
        )
    if len(records) != len(record_ids):
        raise MixFailed(
            f"{len(record_ids)} sealed ballots but {len(records)} vote records: not mixed"
        )
    for ids in _chunks(record_ids):
        VoteRecord.objects.filter(election=election, pk__in=ids).delete()
    fresh = [
        VoteRecord(
            id=uuid.uuid4(),
            organisation_id=election.organisation_id,
            election_id=election.pk,
            roll_entry_id=entry,
            channel=channel,
        )
        for entry, channel in records
    ]
    _RANDOM.shuffle(fresh)
    VoteRecord.objects.bulk_create(fresh, batch_size=CHUNK)
    return Counter(channel for _, channel in records)


def after_cast(election: Election) -> None:
    """Called after a cast has committed: about one cast in K tries to mix a batch, so the
    holding table stays near 2K without every cast counting it."""
    k = batch_size(election)
    if _RANDOM.randrange(k) == 0:
        mix(election, k=k)


def waiting(election: Election) -> int:
    return SealedBallot.objects.filter(election=election).count()


def cast_count(election: Election) -> int:
    """Ballots cast so far, mixed or still sealed."""
    return Ballot.objects.filter(election=election).count() + waiting(election)
