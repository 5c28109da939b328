"""Writing to and checking the audit log. Every other app's services call `record`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction

from mutualise import clock

from . import batch_sums, digests, verification
from .batch_sums import BatchesDoNotAddUp  # noqa: F401  (raised by check_batches, seal_ballots)
from .chain import data_digest, event_hash, event_seal_message, head_seal_message
from .keys import signing_key
from .models import AuditEvent, AuditHead, SealedBallots
from .verification import Verification, verify  # noqa: F401  (the app's verbs, in one place)


def actor_name(actor) -> str:
    """A user, a string, or None (the system) as the name stored on the event."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "get_username", lambda: str(actor))()


def record(organisation, action: str, *, actor=None, subject=None, data: dict | None = None):
    """Append one event to the organisation's chain.

    Must run inside the caller's transaction, so the event commits or rolls back with the change
    it describes. `subject` is a model instance (its class name and pk are stored) or None.
    Keep personal data out of `data` where an identifier will do; what is there can be erased
    later with `redact_subject`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside a transaction")
    key = signing_key()
    head, _ = AuditHead.objects.select_for_update().get_or_create(organisation=organisation)
    occurred_at = clock.now()
    salt = secrets.token_hex(16)
    data = data or {}
    digest = data_digest(data, salt)
    subject_type = type(subject).__name__ if subject is not None else ""
    subject_id = str(subject.pk) if subject is not None else ""
    sequence = head.last_sequence + 1
    digest_hash = event_hash(
        organisation_id=organisation.pk,
        sequence=sequence,
        occurred_at=occurred_at,
        actor=actor_name(actor),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        digest=digest,
        previous_hash=head.last_hash,
    )
    event = AuditEvent.objects.create(
        organisation=organisation,
        sequence=sequence,
        occurred_at=occurred_at,
        actor=actor_name(actor),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        data=data,
        data_salt=salt,
        data_digest=digest,
        previous_hash=head.last_hash,
        hash=digest_hash,
        key_id=key.id,
        seal=key.seal(event_seal_message(digest_hash, redacted=False)),
    )
    head.last_sequence = sequence
    head.last_hash = digest_hash
    head.key_id = key.id
    head.seal = key.seal(head_seal_message(organisation.pk, sequence, digest_hash))
    head.save(update_fields=["last_sequence", "last_hash", "key_id", "seal"])
    return event


def redact_subject(organisation, subject_type: str, subject_id: str) -> int:
    """Blank the data of every event about one subject (erasure), keeping the chain verifiable:
    the salted digest stays in the hash, and each blanked event is resealed as redacted, so
    data blanked by anything but this service shows in `verify`."""
    key = signing_key()
    now = clock.now()
    with transaction.atomic():
        events = list(
            AuditEvent.objects.select_for_update().filter(
                organisation=organisation, subject_type=subject_type, subject_id=str(subject_id)
            )
        )
        for event in events:
            event.data = {}
            event.redacted_at = event.redacted_at or now
            event.key_id = key.id
            event.seal = key.seal(event_seal_message(event.hash, redacted=True))
        AuditEvent.objects.bulk_update(events, ["data", "redacted_at", "key_id", "seal"])
    return len(events)


@dataclass(frozen=True)
class ChainHead:
    """A point on the chain to publish: whoever keeps it can later ask `verify` whether the
    chain still passes through it (`mutualise audit verify --expect SEQUENCE:HASH`)."""

    sequence: int
    hash: str
    occurred_at: datetime | None = None

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash}"


def chain_head(organisation) -> ChainHead:
    """The organisation's chain as it stands now (sequence 0 and no hash before any event)."""
    head = AuditHead.objects.filter(organisation=organisation).first()
    if head is None or not head.last_sequence:
        return ChainHead(0, "")
    last = AuditEvent.objects.filter(organisation=organisation, sequence=head.last_sequence)
    return ChainHead(
        head.last_sequence, head.last_hash, last.values_list("occurred_at", flat=True).first()
    )


def head_at(event: AuditEvent) -> ChainHead:
    """The chain head just after `event` was written: the hash a notice about it publishes."""
    return ChainHead(event.sequence, event.hash, event.occurred_at)


def latest_event(organisation, subject, action: str) -> AuditEvent | None:
    """The most recent event of one kind about one subject (e.g. an election's declaration)."""
    return (
        events_about(organisation, type(subject).__name__, subject.pk)
        .filter(action=action)
        .order_by("-sequence")
        .first()
    )


def events_about(organisation, subject_type: str, subject_id) -> models.QuerySet:
    return AuditEvent.objects.filter(
        organisation=organisation, subject_type=subject_type, subject_id=str(subject_id)
    )


def reseal(organisation) -> Verification:
    """After a key rotation: check the chain under the keys it was sealed with, then reseal
    every event and the head under the current key, so the retired key can be destroyed.
    Nothing is resealed if the chain does not verify."""
    key = signing_key()
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(organisation=organisation).first()
        result = verify(organisation)
        if not result.ok or head is None:
            return result
        events = AuditEvent.objects.filter(organisation=organisation).exclude(key_id=key.id)
        batch = []
        for event in events.iterator(chunk_size=2000):
            event.key_id = key.id
            redacted = event.redacted_at is not None
            event.seal = key.seal(event_seal_message(event.hash, redacted=redacted))
            batch.append(event)
            if len(batch) >= 2000:
                AuditEvent.objects.bulk_update(batch, ["key_id", "seal"])
                batch = []
        AuditEvent.objects.bulk_update(batch, ["key_id", "seal"])
        head.key_id = key.id
        head.seal = key.seal(head_seal_message(organisation.pk, head.last_sequence, head.last_hash))
        head.save(update_fields=["key_id", "seal"])
        record(organisation, "audit.resealed", data={"key_id": key.id, "events": result.checked})
    return result


def seal_ballots(organisation, action: str, *, subject, actor=None) -> AuditEvent:
    """Write the event that seals a subject's stored ballots (at the count), reading them through
    the source its app registered for `action` (digests.register). The event's data carries
    `ballots_sha256`, the digest printed on the result notice."""
    source = digests.source_for(action)
    if source is None:
        raise RuntimeError(f"no ballot source is registered for '{action}' (AppConfig.ready)")
    sealed = digests.seal(source(str(subject.pk)))
    mixed_by = batch_sums.action_sealed_by(action)
    if mixed_by:
        # The ballots about to be sealed must be those the mixer wrote (batch_sums.py).
        check_batches(organisation, mixed_by, subject=subject, contents=sealed.contents)
    data = sealed.data()
    published = digests.published_digest_for(action)
    if published is not None:
        data["ballots_sha256"] = published(str(subject.pk))
    event = record(organisation, action, actor=actor, subject=subject, data=data)
    SealedBallots.objects.create(organisation=organisation, event=event, listing=sealed.listing)
    return event


def record_batch(organisation, action: str, *, subject, contents, actor=None) -> AuditEvent:
    """The event of one mix batch: how many ballots and their keyed sum (batch_sums.py). Call
    it inside the mixer's transaction, last (it holds the chain's head until the commit)."""
    data = batch_sums.batch_data(contents)
    return record(organisation, action, actor=actor, subject=subject, data=data)


def check_batches(organisation, action: str, *, subject, contents=None) -> None:
    """Raise BatchesDoNotAddUp if the subject's ballots as stored (or `contents`, a Counter of
    them) are not those its batch events summed, or if those events cannot be trusted.

    The sums are only worth what the events that carry them are: whoever rewrites the ballots
    can as easily edit a batch event's data, mark it erased (which skips its check), delete it
    or write a copy, ballots and vote records to match. So the whole chain is walked first
    (every link, hash and seal, and the sealed head, which catches an event deleted or added
    anywhere), under the head's lock so that events committed meanwhile are not taken for
    added ones; and at a count a batch event marked erased is refused, not skipped."""
    AuditHead.objects.select_for_update().filter(organisation=organisation).first()
    chain = verification.chain_break(organisation)
    subject_type, subject_id = type(subject).__name__, str(subject.pk)
    where = f"{subject_type} {subject_id}"
    found = [chain] if chain else []
    events = events_about(organisation, subject_type, subject_id).filter(action=action)
    if any(e.redacted_at is not None for e in events):
        found.append(
            f"{where}: its batch events are marked as erased, so its ballots cannot be checked"
        )
    if contents is None and not events:
        contents = batch_sums.stored_contents(action, subject_id)
    found += batch_sums.problems(subject_type, subject_id, events, contents)
    if found:
        raise batch_sums.BatchesDoNotAddUp("; ".join(found))


@dataclass(frozen=True)
class NoticeRecord:
    """What a result notice prints so a later edit shows: the digest of the ballots as counted
    (if any were sealed) and the chain head at the latest event about the subject."""

    head: ChainHead
    ballots_sha256: str = ""
    ballots: int | None = None


def notice_record(subject) -> NoticeRecord | None:
    organisation = subject.organisation
    about = events_about(organisation, type(subject).__name__, subject.pk).order_by("-sequence")
    latest = about.first()
    if latest is None:
        return None
    sealed = about.filter(action__in=digests.sealed_actions()).first()
    if sealed is None:
        return NoticeRecord(head_at(latest))
    return NoticeRecord(
        head_at(latest), sealed.data.get("ballots_sha256", ""), sealed.data.get("ballots")
    )
