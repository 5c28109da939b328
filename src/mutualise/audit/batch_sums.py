"""Keyed sums over mixed ballots: a mixed ballot rewritten in the database before the count shows.

Between the mixer and the count, mixed ballots sit in the clear in their app's ballot table. So
each mix batch records in the chain, in the batch's own transaction, a keyed sum over the ballots
it produced: for each ballot, HMAC-SHA256 of its content (UTF-8, as its app's ballot source reads
it back) under a key derived from the audit key, read as a 256-bit number; the batch's sum is
these numbers added mod 2**256. Batches add up in any order, so the sum of every batch event of a
subject must equal the same sum recomputed over its ballot table as it stands; an edited, added or
removed ballot changes it (to forge a match one would need the key). The count recomputes it
before it seals the ballots (and refuses if it differs), `mutualise audit verify` recomputes it
for every subject with batch events. A sum is over a whole batch (at least K ballots), so it says
nothing of one ballot that the batch's ballots, in the clear beside it, do not.

An app registers, in its AppConfig.ready(), the batch action and the ballot source (`register`):
the same kind of source the count's seal reads (digests.py): subject id -> (ballot id, content).
Each event also records which key summed it (`sum_key`): the sums of one subject can only be
compared under one key, so a subject mixed across an audit key rotation is named as unchecked
(rotate between polls, not during one).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Callable, Iterable

from .keys import Key, known_keys, signing_key

MODULUS = 2**256
BatchSource = Callable[[str], Iterable[tuple[str, str]]]

_SOURCES: dict[str, BatchSource] = {}
_SEALED_BY: dict[str, str] = {}  # sealing action -> batch action of the same ballots


class BatchesDoNotAddUp(ValueError):
    """The ballots stored are not the ballots the mixer wrote (their keyed sums differ)."""


def register(action: str, source: BatchSource, *, sealed_action: str = "") -> None:
    """Batch events of `action` sum the ballots `source` reads (call from AppConfig.ready). With
    `sealed_action`, sealing those ballots at the count checks the sums first."""
    _SOURCES[action] = source
    if sealed_action:
        _SEALED_BY[sealed_action] = action


def batch_actions() -> list[str]:
    return sorted(_SOURCES)


def action_sealed_by(sealed_action: str) -> str:
    return _SEALED_BY.get(sealed_action, "")


def _sum_key(key: Key) -> bytes:
    return hmac.new(key.secret, b"mutualise ballot batch sum", hashlib.sha256).digest()


def keyed_sum(contents: Counter, key: Key) -> int:
    """The sum mod 2**256 of HMAC(content) over the ballots, counted first (a million ballots
    hold a few thousand distinct contents, so this is cheap)."""
    secret, total = _sum_key(key), 0
    for content, n in contents.items():
        mac = hmac.new(secret, content.encode("utf-8"), hashlib.sha256).digest()
        total += int.from_bytes(mac, "big") * n
    return total % MODULUS


def batch_data(contents: Iterable[str] | Counter) -> dict:
    """What a batch event carries: how many ballots, their keyed sum, the key's id. `contents`
    lists each ballot's content, or is a Counter of them."""
    counted = Counter(contents)
    key = signing_key()
    return {
        "ballots": sum(counted.values()),
        "keyed_sum": f"{keyed_sum(counted, key):064x}",
        "sum_key": key.id,
    }


def stored_contents(action: str, subject_id: str) -> Counter:
    """The subject's ballots as stored, counted by content (read through `action`'s source)."""
    return Counter(content for _, content in _SOURCES[action](subject_id))


def problems(subject_type: str, subject_id: str, events, contents: Counter | None = None):
    """What is wrong between a subject's batch events and its ballots as stored (read through
    the action's source unless `contents` is given): a list of sentences, empty if they agree."""
    events = list(events)
    where = f"{subject_type} {subject_id}"
    if not events:
        if contents is None:
            return []  # `verify` asks only about subjects with batch events
        stored = sum(contents.values())
        if not stored:
            return []
        return [
            f"{where}: {stored} ballots are stored but no mix batch wrote any of them (their "
            "batch events were deleted, or the ballots added in the database)"
        ]
    if any(e.redacted_at is not None for e in events):
        return []  # erased (redact_subject, checked by its seal): nothing left to check against
    key_ids = {e.data.get("sum_key", "") for e in events}
    if len(key_ids) != 1:
        return [
            f"{where}: its ballots were mixed under more than one audit key "
            f"({', '.join(sorted(key_ids))}); their batch sums cannot be checked"
        ]
    key = known_keys().get(key_ids.pop())
    if key is None:
        return [f"{where}: its batch sums were made with an audit key this server does not hold"]
    if contents is None:
        contents = stored_contents(events[0].action, subject_id)
    expected = sum(int(e.data["keyed_sum"], 16) for e in events) % MODULUS
    mixed = sum(int(e.data["ballots"]) for e in events)
    stored = sum(contents.values())
    if keyed_sum(contents, key) == expected and stored == mixed:
        return []
    return [
        f"{where}: the {stored} ballots stored are not the {mixed} the mixer wrote in "
        f"{len(events)} batch{'es' if len(events) != 1 else ''} (their keyed sum differs): a mixed ballot was edited, added or "
        "removed in the database"
    ]
