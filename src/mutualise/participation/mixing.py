"""The budget ballots' mixer: the elections app's design (docs/secrecy.md) for budget ballots.

A cast writes, in ONE transaction, the `BudgetVoteRecord` (random key) and the
`HeldBudgetBallot`: the choices and the record's key sealed to a fixed length under a key kept
outside the database (mutualise.secrecy.sealing). Whoever reads the database sees that the two
belong together, not what the sealed one says.

In one transaction the mixer takes a batch of held ballots, opens them, deletes them, writes
their choices as `BudgetBallot` rows (fresh random keys, a random order) and deletes and
rewrites the batch's vote records (fresh random keys, another random order). Afterwards a
batch's ballots and records share one transaction (PostgreSQL's xmin), neighbouring pages and
neighbouring places in a dump, and nothing finer. During voting a batch is mixed only when 2K
wait, and K stay behind; the count mixes the rest, so every batch holds at least K (K is the
rulebook's `elections.secrecy_batch`: the same promise as an election's). A budget with fewer
than K voters is mixed as one batch at the count. The transaction commits or it does not: a
ballot is held or mixed, never both, never neither.
"""

from __future__ import annotations

import secrets
import uuid

from django.db import connection, transaction

from mutualise.secrecy.sealing import Sealer

from .models import Budget, BudgetBallot, BudgetVoteRecord, HeldBudgetBallot

# Room for about 150 choices ("P123", points) and the record's key.
SEAL = Sealer("participation", 2048)
CHUNK = 5000
_RANDOM = secrets.SystemRandom()
_LOCK_SPACE = 7302  # PostgreSQL advisory lock namespace: one mixer per budget at a time


class MixFailed(RuntimeError):
    """The held ballots do not match the vote records (they never should)."""


def batch_size(budget: Budget) -> int:
    return budget.organisation.constitution.elections.secrecy_batch


def seal_cast(choices: list[tuple[str, int]], record_id: uuid.UUID) -> str:
    return SEAL.seal({"c": [list(c) for c in choices], "v": record_id.hex})


def _locked(budget: Budget, wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite has one writer at a time already
    with connection.cursor() as cursor:
        lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        cursor.execute(f"SELECT {lock}(%s, %s)", [_LOCK_SPACE, budget.pk])
        return True if wait else bool(cursor.fetchone()[0])


def _chunks(items: list) -> list[list]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def mix(budget: Budget, *, final: bool = False, k: int | None = None) -> int:
    """Mix one batch if one is due (all that wait if `final`); returns how many were mixed."""
    k = k or batch_size(budget)
    with transaction.atomic():
        if not _locked(budget, wait=final):
            return 0  # another mixer is at it
        waiting = list(HeldBudgetBallot.objects.filter(budget=budget).values_list("id", "sealed"))
        if final:
            batch = waiting
        elif len(waiting) >= 2 * k:
            batch = _RANDOM.sample(waiting, len(waiting) - k)
        else:
            return 0
        if not batch:
            return 0
        opened = SEAL.unseal_many([sealed for _, sealed in batch])
        ballots = [item["c"] for item in opened]
        _RANDOM.shuffle(ballots)
        for ids in _chunks([pk for pk, _ in batch]):
            HeldBudgetBallot.objects.filter(pk__in=ids).delete()
        BudgetBallot.objects.bulk_create(
            [
                BudgetBallot(
                    id=uuid.uuid4(),
                    organisation_id=budget.organisation_id,
                    budget_id=budget.pk,
                    choices=c,
                )
                for c in ballots
            ],
            batch_size=CHUNK,
        )
        _rewrite_vote_records(budget, [uuid.UUID(item["v"]) for item in opened])
    return len(batch)


def _rewrite_vote_records(budget: Budget, record_ids: list[uuid.UUID]) -> None:
    """Delete the batch's vote records and write them again, shuffled, under new keys, so their
    transaction, position and key say no more than the batch they belong to."""
    records = []
    for ids in _chunks(record_ids):
        records += BudgetVoteRecord.objects.filter(budget=budget, pk__in=ids).values_list(
            "member_id", "channel"
        )
    if len(records) != len(record_ids):
        raise MixFailed(
            f"{len(record_ids)} held ballots but {len(records)} vote records: not mixed"
        )
    for ids in _chunks(record_ids):
        BudgetVoteRecord.objects.filter(budget=budget, pk__in=ids).delete()
    fresh = [
        BudgetVoteRecord(
            id=uuid.uuid4(),
            organisation_id=budget.organisation_id,
            budget_id=budget.pk,
            member_id=member,
            channel=channel,
        )
        for member, channel in records
    ]
    _RANDOM.shuffle(fresh)
    BudgetVoteRecord.objects.bulk_create(fresh, batch_size=CHUNK)


def after_cast(budget: Budget) -> None:
    """Called after a cast has committed: about one cast in K tries to mix a batch, so the
    holding table stays near 2K without every cast counting it."""
    k = batch_size(budget)
    if _RANDOM.randrange(k) == 0:
        mix(budget, k=k)


def cast_count(budget: Budget) -> int:
    """Ballots cast so far, mixed or still held."""
    return (
        BudgetBallot.objects.filter(budget=budget).count()
        + HeldBudgetBallot.objects.filter(budget=budget).count()
    )
