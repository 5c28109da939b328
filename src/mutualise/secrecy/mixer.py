"""The set-wise mixer: sealed ballots out of a holding table, in shuffled batches of at least K,
for every app that keeps a secret ballot box (elections, participatory budgets; meeting polls,
which take their batches their own way and rewrite their vote records at the declaration, write
them with `write_batch`). docs/secrecy.md says why each step is there.

In one transaction the mixer takes a batch of sealed ballots, opens them, deletes them, and has
the app say what they become (`Box.open`): rows for one or more tables (an election's ballots and
its receipts; a budget's ballots) and the keys of their vote records. Each table's rows are
written in their own random order under fresh random keys; the batch's vote records are deleted
and written again in another random order under fresh keys; and the batch's keyed sum is written
to the audit chain (audit/batch_sums.py), so a mixed ballot rewritten before the count shows.
Afterwards a batch's rows share one transaction (PostgreSQL's xmin), neighbouring pages and
neighbouring places in a dump, and nothing finer: whoever holds a copy links a ballot to its
voter no better than chance among the batch.

Every batch holds at least K: while voting goes on a batch is mixed only when 2K wait, and K are
left behind, so the last batch (mixed at the count) has at least K too; a box with fewer than K
is mixed as one batch at the count. A kill at any moment leaves each ballot either sealed or
mixed, never both and never neither: the transaction commits or it does not.

On PostgreSQL a batch is a few statements whatever its size (the million at a count included),
each list inserted in the order Python shuffled it (WITH ORDINALITY); on SQLite, bulk inserts.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, models, transaction

from mutualise.audit import services as audit

from .sealing import Sealer

CHUNK = 5000
RANDOM = secrets.SystemRandom()


class MixFailed(RuntimeError):
    """The holding table does not match the vote records (it never should)."""


@dataclass
class Opened:
    """What one batch of opened ballots becomes, as its app says (`Box.open`)."""

    # Each table and its rows, by attribute name (e.g. member_id), without id, organisation
    # and poll: the mixer gives those.
    tables: list[tuple[type[models.Model], list[dict]]]
    contents: list[str]  # each ballot's content, as its app's ballot source reads it back
    record_ids: list[uuid.UUID] | None = None  # the batch's vote records (None: not rewritten)


@dataclass(frozen=True)
class Box:
    """One app's secret ballot box. Every table in it has `organisation` and `parent` keys."""

    held: type[models.Model]  # the holding table: id, organisation, parent, sealed
    records: type[models.Model]  # the "has voted" records, keyed by random UUIDs
    parent: str  # the foreign key naming the poll: "election", "budget"
    seal: Sealer
    lock_space: int  # PostgreSQL advisory lock namespace: one mixer per poll at a time
    mixed_action: str  # the audit action of a batch (its keyed sum)
    open: Callable[[models.Model, list], Opened] = field(repr=False)
    # Told, in the batch's transaction, how many of its rewritten vote records came by each
    # channel (an election's turnout is published in whole batches): (poll, Counter) -> None.
    on_batch: Callable[[models.Model, Counter], None] | None = field(default=None, repr=False)


def _chunks(items: list) -> list[list]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def _locked(box: Box, poll, wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite has one writer at a time already
    with connection.cursor() as cursor:
        lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        cursor.execute(f"SELECT {lock}(%s, %s)", [box.lock_space, poll.pk])
        return True if wait else bool(cursor.fetchone()[0])


def mix(box: Box, poll, *, k: int, final: bool = False) -> int:
    """Mix one batch of `poll` if one is due (all that wait if `final`); returns how many."""
    with transaction.atomic():
        if not _locked(box, poll, wait=final):
            return 0  # another mixer is at it
        where = {box.parent: poll}
        waiting = list(box.held.objects.filter(**where).values_list("id", "sealed"))
        if final:
            batch = waiting
        elif len(waiting) >= 2 * k:
            batch = RANDOM.sample(waiting, len(waiting) - k)
        else:
            return 0
        if not batch:
            return 0
        _delete(box.held, [pk for pk, _ in batch])
        opened = box.open(poll, box.seal.unseal_many([sealed for _, sealed in batch]))
        write_batch(box, poll, opened)
    return len(batch)


def write_batch(box: Box, poll, opened: Opened) -> None:
    """Write an opened batch (inside the caller's transaction, its sealed rows deleted): each
    table in its own random order, the vote records rewritten, then the batch's keyed sum."""
    for model, rows in opened.tables:
        RANDOM.shuffle(rows)
        _insert(box, poll, model, rows)
    if opened.record_ids is not None:
        records = list(opened.record_ids)
        RANDOM.shuffle(records)
        channels = _rewrite_records(box, poll, records)
        if box.on_batch is not None:
            box.on_batch(poll, channels)
    audit.record_batch(
        poll.organisation, box.mixed_action, subject=poll, actor="mixer", contents=opened.contents
    )


def _delete(model, ids: list) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id = ANY(%s)", [ids])
        return
    for part in _chunks(ids):
        model.objects.filter(pk__in=part).delete()


def _fixed(box: Box, poll) -> dict[str, object]:
    return {"organisation_id": poll.organisation_id, f"{box.parent}_id": poll.pk}


def _insert(box: Box, poll, model, rows: list[dict]) -> None:
    if connection.vendor != "postgresql":
        new_id = model._meta.pk.get_default
        made = [model(id=new_id(), **_fixed(box, poll), **row) for row in rows]
        model.objects.bulk_create(made, batch_size=CHUNK)
        return
    fixed = {model._meta.get_field(name).column: value for name, value in _fixed(box, poll).items()}
    columns, values, arrays = [], [], []
    uuid_keys = isinstance(model._meta.pk, models.UUIDField)
    for f in model._meta.concrete_fields:
        columns.append(f.column)
        if f.primary_key and uuid_keys:
            values.append("gen_random_uuid()")  # from the operating system's random source
        elif f.column in fixed:
            values.append("%s")
            arrays.append(fixed[f.column])
        else:
            values.append(f"b.c{len(columns)}::{f.db_type(connection)}")
            made = (
                [f.get_default() for _ in rows] if f.primary_key else [r[f.attname] for r in rows]
            )
            text = isinstance(f, models.JSONField)
            made = [json.dumps(v) if text else None if v is None else str(v) for v in made]
            arrays.append((f"c{len(columns)}", made))
    given = [a for a in arrays if isinstance(a, tuple)]
    params = [a for a in arrays if not isinstance(a, tuple)]
    unnest = ", ".join("%s::text[]" for _ in given)
    names = ", ".join(name for name, _ in given)
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM unnest({unnest}) WITH ORDINALITY AS b({names}, n) ORDER BY b.n"
    )
    # The fixed values' placeholders come first in the SELECT list, the arrays in FROM after.
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(made for _, made in given)])


def _rewrite_records(box: Box, poll, record_ids: list[uuid.UUID]) -> Counter:
    """Delete the batch's vote records and write them again, in the order given (shuffled),
    under fresh keys, so their transaction, position and key say no more than their batch.
    Returns how many came by each channel."""
    model = box.records
    parent = model._meta.get_field(box.parent).column
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        kept = ", ".join(f.column for f in model._meta.concrete_fields if f.column != "id")
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} WHERE {parent} = %s AND id = ANY(%s::uuid[]) "
                f"RETURNING id, {kept}) INSERT INTO {table} (id, {kept}) SELECT "
                f"gen_random_uuid(), {kept} FROM gone JOIN unnest(%s::uuid[]) WITH ORDINALITY "
                "AS o(id, n) ON gone.id = o.id ORDER BY o.n RETURNING channel",
                [poll.pk, record_ids, record_ids],
            )
            channels = Counter(channel for (channel,) in cursor.fetchall())
        if channels.total() != len(record_ids):
            raise MixFailed(
                f"{len(record_ids)} sealed ballots but {channels.total()} vote records: not mixed"
            )
        return channels
    names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    rows: dict = {}
    for ids in _chunks(record_ids):
        found = model.objects.filter(**{box.parent: poll}, pk__in=ids).values("id", *names)
        rows.update((row.pop("id"), row) for row in found)
    if len(rows) != len(record_ids):
        raise MixFailed(f"{len(record_ids)} sealed ballots but {len(rows)} vote records: not mixed")
    for ids in _chunks(record_ids):
        model.objects.filter(**{box.parent: poll}, pk__in=ids).delete()
    fresh = [model(id=uuid.uuid4(), **rows[pk]) for pk in record_ids]
    model.objects.bulk_create(fresh, batch_size=CHUNK)
    return Counter(row["channel"] for row in rows.values())
