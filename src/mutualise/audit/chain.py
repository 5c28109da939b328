"""How an event is hashed: one function, used both to write and to verify."""

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
