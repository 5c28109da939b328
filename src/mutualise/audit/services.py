"""Writing to and checking the audit log. Every other app's services call `record`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from .chain import data_digest, event_hash
from .models import AuditEvent, AuditHead


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
    head, _ = AuditHead.objects.select_for_update().get_or_create(organisation=organisation)
    occurred_at = timezone.now()
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
    )
    head.last_sequence = sequence
    head.last_hash = digest_hash
    head.save(update_fields=["last_sequence", "last_hash"])
    return event


def redact_subject(organisation, subject_type: str, subject_id: str) -> int:
    """Blank the data of every event about one subject (erasure), keeping the chain verifiable."""
    with transaction.atomic():
        return AuditEvent.objects.filter(
            organisation=organisation, subject_type=subject_type, subject_id=str(subject_id)
        ).update(data={}, redacted_at=timezone.now())


@dataclass(frozen=True)
class Verification:
    organisation: str
    checked: int
    ok: bool
    first_broken_sequence: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"{self.organisation}: {self.checked} events, chain intact"
        return (
            f"{self.organisation}: BROKEN at event #{self.first_broken_sequence}: {self.reason}"
            f" ({self.checked} events checked)"
        )


def verify(organisation) -> Verification:
    """Walk one organisation's chain from the start and name the first event that does not fit."""
    name = organisation.slug
    previous_hash = ""
    expected_sequence = 1
    checked = 0
    events = AuditEvent.objects.filter(organisation=organisation).order_by("sequence")
    for event in events.iterator(chunk_size=2000):
        checked += 1

        def broken(reason: str, seq: int = event.sequence, n: int = checked) -> Verification:
            return Verification(name, n, False, seq, reason)

        if event.sequence != expected_sequence:
            return broken(
                f"event #{expected_sequence} is missing (deleted?)", seq=expected_sequence
            )
        if event.previous_hash != previous_hash:
            return broken("its link to the previous event does not match (edited or reordered)")
        if (
            event.redacted_at is None
            and data_digest(event.data, event.data_salt) != event.data_digest
        ):
            return broken("its data was changed after it was written")
        recomputed = event_hash(
            organisation_id=organisation.pk,
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            actor=event.actor,
            action=event.action,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            digest=event.data_digest,
            previous_hash=event.previous_hash,
        )
        if recomputed != event.hash:
            return broken("its contents do not match its hash (edited)")
        previous_hash = event.hash
        expected_sequence += 1
    head = AuditHead.objects.filter(organisation=organisation).first()
    if head is not None and head.last_sequence != checked:
        return Verification(
            name,
            checked,
            False,
            checked + 1,
            f"the chain should hold {head.last_sequence} events: the latest were deleted",
        )
    return Verification(name, checked, True)


def events_about(organisation, subject_type: str, subject_id) -> models.QuerySet:
    return AuditEvent.objects.filter(
        organisation=organisation, subject_type=subject_type, subject_id=str(subject_id)
    )
