"""Checking an organisation's chain: every link, every hash, every seal, the head, and any chain
heads published earlier (on result notices) that the caller still holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from . import batch_sums, digests
from .chain import data_digest, event_hash, event_seal_message, head_seal_message
from .keys import known_keys
from .models import AuditEvent, AuditHead, SealedBallots


@dataclass(frozen=True)
class Verification:
    organisation: str
    checked: int
    ok: bool
    first_broken_sequence: int | None = None
    reason: str = ""
    problems: tuple[str, ...] = field(default=())  # what else is wrong (e.g. ballots named)

    def __str__(self) -> str:
        if self.ok:
            return f"{self.organisation}: {self.checked} events, chain intact"
        if self.first_broken_sequence is None:
            lines = [f"{self.organisation}: {self.checked} events, chain intact, BUT:"]
        else:
            lines = [
                f"{self.organisation}: BROKEN at event #{self.first_broken_sequence}: "
                f"{self.reason} ({self.checked} events checked)"
            ]
        return "\n".join([*lines, *(f"  - {p}" for p in self.problems)])


def _event_problem(organisation_id: int, event: AuditEvent, keys: dict) -> str:
    """Why one event does not stand on its own (its data, hash or seal), or ''."""
    if event.redacted_at is not None:
        if event.data != {}:
            return "it is marked as erased but still carries data (edited?)"
    elif data_digest(event.data, event.data_salt) != event.data_digest:
        return "its data was changed after it was written"
    recomputed = event_hash(
        organisation_id=organisation_id,
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
        return "its contents do not match its hash (edited)"
    key = keys.get(event.key_id)
    if key is None:
        if not event.key_id:
            return "it carries no seal (written or rewritten without the audit key)"
        return (
            f"it is sealed with audit key {event.key_id}, which this server does not hold "
            "(list retired keys in MUTUALISE_AUDIT_OLD_KEYS)"
        )
    expected = key.seal(event_seal_message(event.hash, redacted=event.redacted_at is not None))
    if expected != event.seal:
        return (
            "its seal does not match (rewritten without the audit key, or its data blanked "
            "outside the erasure service)"
        )
    return ""


def _head_problem(organisation, checked: int, last_hash: str, keys: dict) -> str:
    head = AuditHead.objects.filter(organisation=organisation).first()
    if head is None:
        return "the chain has events but no head (deleted?)" if checked else ""
    if head.last_sequence != checked:
        if head.last_sequence > checked:
            return f"the chain should hold {head.last_sequence} events: the latest were deleted"
        return f"the head says {head.last_sequence} events but {checked} are stored (added?)"
    if head.last_hash != last_hash:
        return "the head does not name the last event's hash (the chain was cut and regrown?)"
    key = keys.get(head.key_id)
    message = head_seal_message(organisation.pk, head.last_sequence, head.last_hash)
    if key is None or key.seal(message) != head.seal:
        return "the head's seal does not match (the chain was cut short or rewritten)"
    return ""


def ballot_problems(organisation) -> list[str]:
    """Every ballot changed since an event sealed it, named, for each sealing event."""
    problems = []
    events = AuditEvent.objects.filter(
        organisation=organisation, action__in=digests.sealed_actions()
    ).order_by("sequence")
    listings = dict(
        SealedBallots.objects.filter(organisation=organisation).values_list("event_id", "listing")
    )
    for event in events:
        where = f"event #{event.sequence} ({event.action}, {event.subject_type} {event.subject_id})"
        listing = listings.get(event.pk)
        if listing is None:
            problems.append(f"{where}: the list of ballots it sealed is missing (deleted?)")
            continue
        sealed, listing_sha256 = digests.read_listing(bytes(listing))
        if listing_sha256 != event.data.get("listing_sha256"):
            problems.append(f"{where}: the list of ballots it sealed was altered")
            continue
        found, now = digests.differences(sealed, digests.source_for(event.action)(event.subject_id))
        published = digests.published_digest_for(event.action)
        if found and published is not None:
            now = published(event.subject_id)
        if found:
            problems.append(
                f"{where}: {len(found)} ballots changed since they were sealed; their digest "
                f"was {event.data.get('ballots_sha256')}, it is now {now}"
            )
            shown = found[: digests.NAMED_AT_MOST]
            problems += [f"{where}: {line}" for line in shown]
            if len(found) > len(shown):
                problems.append(f"{where}: ... and {len(found) - len(shown)} more")
    return problems


def batch_problems(organisation) -> list[str]:
    """Every subject whose ballots as stored are not those its mix batches summed. A subject
    already sealed at its count is checked against the ballots sealed (the listing, which
    `ballot_problems` compares with the table), so its ballots are not read twice."""
    events = AuditEvent.objects.filter(
        organisation=organisation, action__in=batch_sums.batch_actions()
    ).order_by("sequence")
    subjects: dict[tuple[str, str], list[AuditEvent]] = {}
    for event in events:
        subjects.setdefault((event.subject_type, event.subject_id), []).append(event)
    found = []
    for (subject_type, subject_id), batches in subjects.items():
        found += batch_sums.problems(
            subject_type, subject_id, batches, _sealed_contents(organisation, batches[0])
        )
    return found


def _sealed_contents(organisation, batch: AuditEvent):
    """The contents of the ballots sealed at the subject's count, if it was sealed intact."""
    sealed_action = next(
        (a for a in digests.sealed_actions() if batch_sums.action_sealed_by(a) == batch.action), ""
    )
    event = (
        AuditEvent.objects.filter(
            organisation=organisation,
            action=sealed_action,
            subject_type=batch.subject_type,
            subject_id=batch.subject_id,
        )
        .order_by("-sequence")
        .first()
    )
    listing = SealedBallots.objects.filter(event=event).values_list("listing", flat=True).first()
    if event is None or listing is None:
        return None
    plain, listing_sha256 = digests.read_listing(bytes(listing))
    if listing_sha256 != event.data.get("listing_sha256"):
        return None  # named by ballot_problems; read the table instead
    return digests.listing_contents(plain)


def verify(organisation, *, expect: Iterable[tuple[int, str]] = ()) -> Verification:
    """Check one organisation's chain, then every ballot it sealed (`digests`).

    `expect` lists chain heads published earlier, as (sequence, hash): each must still be on the
    chain, which catches a rewrite made by someone who also holds the audit key."""
    result = _verify_chain(organisation, expect)
    problems = ballot_problems(organisation) + batch_problems(organisation)
    if problems:
        return replace(result, ok=False, problems=tuple(problems))
    return result


def chain_break(organisation) -> str:
    """Where and why the organisation's chain first fails to verify, in words, or '' if it is
    intact (the chain only: links, hashes, seals and the head)."""
    result = _verify_chain(organisation, ())
    if result.ok:
        return ""
    return f"the audit chain is broken at event #{result.first_broken_sequence}: {result.reason}"


def _verify_chain(organisation, expect: Iterable[tuple[int, str]]) -> Verification:
    """Walk one organisation's chain from the start and name the first event that does not fit."""
    name = organisation.slug
    keys = known_keys()
    expected_heads = dict(expect)
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
                f"event #{expected_sequence} is missing (deleted?); the next stored is "
                f"#{event.sequence}",
                seq=expected_sequence,
            )
        if event.previous_hash != previous_hash:
            return broken("its link to the previous event does not match (edited or reordered)")
        problem = _event_problem(organisation.pk, event, keys)
        if problem:
            return broken(problem)
        published = expected_heads.pop(event.sequence, None)
        if published is not None and published != event.hash:
            return broken(f"its hash is not the {published[:12]}... published for it (rewritten)")
        previous_hash = event.hash
        expected_sequence += 1
    if expected_heads:
        missing = min(expected_heads)
        return Verification(
            name, checked, False, missing, "a published chain head is no longer on the chain"
        )
    problem = _head_problem(organisation, checked, previous_hash, keys)
    if problem:
        return Verification(name, checked, False, checked + 1, problem)
    return Verification(name, checked, True)
