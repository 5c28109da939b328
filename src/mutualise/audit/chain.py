"""How an event is hashed and sealed: one set of functions, used both to write and to verify.

The hash is plain SHA-256 (anyone holding the chain can recompute it; the published chain head
names it); the seal is an HMAC under the audit key (keys.py), which the database never holds."""

import hashlib
import json
from datetime import datetime


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def data_digest(data: dict, salt: str) -> str:
    return hashlib.sha256((salt + canonical_json(data)).encode()).hexdigest()


def event_hash(
    *,
    organisation_id: int,
    sequence: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    digest: str,
    previous_hash: str,
) -> str:
    fields = [
        organisation_id,
        sequence,
        occurred_at.isoformat(timespec="microseconds"),
        actor,
        action,
        subject_type,
        subject_id,
        digest,
        previous_hash,
    ]
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def event_seal_message(event_hash_hex: str, *, redacted: bool) -> str:
    """What an event's seal signs: its hash, and whether its data was erased. An erased event is
    resealed by `redact_subject`, so blanking data outside the erasure service shows."""
    return f"event:{event_hash_hex}:{'redacted' if redacted else 'whole'}"


def head_seal_message(organisation_id: int, sequence: int, last_hash: str) -> str:
    """What the chain head's seal signs, so a chain cut short cannot be passed off as whole."""
    return f"head:{organisation_id}:{sequence}:{last_hash}"
