"""Rewriting the audit log as someone who can write the database would: each attack must show.

Each of these passed `verify` before events were sealed with a key held outside the database."""

import pytest
from django.db import connection, transaction

from mutualise.audit import services as audit
from mutualise.audit.chain import data_digest, event_hash, event_seal_message, head_seal_message
from mutualise.audit.keys import signing_key
from mutualise.audit.models import AuditEvent, AuditHead
from mutualise.register.models import Organisation

pytestmark = pytest.mark.django_db

KEY_A = "a" * 20 + "first-audit-key-0123456789"
KEY_B = "b" * 20 + "second-audit-key-0123456789"


@pytest.fixture
def org():
    return Organisation.objects.create(slug="test-coop", name="Test Co-op")


def append(org, n, start=0):
    for i in range(start, start + n):
        with transaction.atomic():
            audit.record(org, "test.happened", actor="tester", data={"i": i, "name": f"x{i}"})


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def recompute_chain(org, *, key=None):
    """The attacker's tool: recompute every digest, hash and link with the project's own
    functions (and, given the key, every seal), as if the rows had been written that way."""
    previous = ""
    events = AuditEvent.objects.filter(organisation=org).order_by("sequence")
    for event in events:
        digest = data_digest(event.data, event.data_salt)
        new_hash = event_hash(
            organisation_id=org.pk,
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            actor=event.actor,
            action=event.action,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            digest=digest,
            previous_hash=previous,
        )
        seal = event.seal
        if key is not None:
            seal = key.seal(event_seal_message(new_hash, redacted=event.redacted_at is not None))
        _raw(
            "UPDATE audit_auditevent SET data_digest = %s, previous_hash = %s, hash = %s, "
            "seal = %s WHERE id = %s",
            [digest, previous, new_hash, seal, event.pk],
        )
        previous = new_hash
    count = events.count()
    head_seal = AuditHead.objects.get(organisation=org).seal
    if key is not None:
        head_seal = key.seal(head_seal_message(org.pk, count, previous))
    _raw(
        "UPDATE audit_audithead SET last_sequence = %s, last_hash = %s, seal = %s "
        "WHERE organisation_id = %s",
        [count, previous, head_seal, org.pk],
    )


def test_every_event_and_the_head_are_sealed(org):
    append(org, 3)
    key = signing_key()
    for event in AuditEvent.objects.filter(organisation=org):
        assert event.key_id == key.id
        assert event.seal == key.seal(event_seal_message(event.hash, redacted=False))
    assert AuditHead.objects.get(organisation=org).key_id == key.id
    assert audit.verify(org).ok


def test_edited_data_marked_as_erased_is_caught(org):
    append(org, 4)
    event = AuditEvent.objects.get(organisation=org, sequence=2)
    _raw(
        "UPDATE audit_auditevent SET data = %s, redacted_at = %s WHERE id = %s",
        ['{"i": 99, "name": "forged"}', "2026-01-01 00:00:00+00:00", event.pk],
    )
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 2)
    assert "erased but still carries data" in result.reason


def test_data_blanked_outside_the_erasure_service_is_caught(org):
    append(org, 4)
    event = AuditEvent.objects.get(organisation=org, sequence=3)
    _raw(
        "UPDATE audit_auditevent SET data = %s, redacted_at = %s WHERE id = %s",
        ["{}", "2026-01-01 00:00:00+00:00", event.pk],
    )
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 3)
    assert "seal does not match" in result.reason


def test_chain_recomputed_with_the_unkeyed_hash_is_caught(org):
    append(org, 5)
    event = AuditEvent.objects.get(organisation=org, sequence=2)
    _raw("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 42}', event.pk])
    recompute_chain(org)
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 2)
    assert "seal does not match" in result.reason


def test_event_inserted_with_a_recomputed_chain_is_caught(org):
    append(org, 3)
    for sequence in (3, 2):
        _raw("UPDATE audit_auditevent SET sequence = sequence + 1 WHERE sequence = %s", [sequence])
    first = AuditEvent.objects.get(organisation=org, sequence=1)
    AuditEvent.objects.create(
        organisation=org,
        sequence=2,
        occurred_at=first.occurred_at,
        actor="mallory",
        action="member.admitted",
        data={"forged": True},
        data_salt="00",
        data_digest="",
        hash="",
    )
    recompute_chain(org)
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 2)
    assert "no seal" in result.reason


def test_truncated_chain_with_a_rewritten_head_is_caught(org):
    append(org, 5)
    _raw("DELETE FROM audit_auditevent WHERE organisation_id = %s AND sequence > 3", [org.pk])
    third = AuditEvent.objects.get(organisation=org, sequence=3)
    _raw(
        "UPDATE audit_audithead SET last_sequence = 3, last_hash = %s WHERE organisation_id = %s",
        [third.hash, org.pk],
    )
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 4)
    assert "head's seal does not match" in result.reason


def test_truncated_chain_with_its_old_head_restored_shows_against_a_published_head(org):
    """Whoever kept a copy of the head row (a backup) can put it back after cutting the chain:
    only a head published since, e.g. on a result notice, shows what was lost."""
    append(org, 3)
    saved = AuditHead.objects.get(organisation=org)
    append(org, 2, start=3)
    published = audit.chain_head(org)
    _raw("DELETE FROM audit_auditevent WHERE organisation_id = %s AND sequence > 3", [org.pk])
    _raw(
        "UPDATE audit_audithead SET last_sequence = %s, last_hash = %s, seal = %s "
        "WHERE organisation_id = %s",
        [saved.last_sequence, saved.last_hash, saved.seal, org.pk],
    )
    assert audit.verify(org).ok  # nothing in the database can tell
    result = audit.verify(org, expect=[(published.sequence, published.hash)])
    assert (result.ok, result.first_broken_sequence) == (False, 5)
    assert "published chain head is no longer on the chain" in result.reason


def test_rewrite_by_someone_holding_the_key_shows_against_a_published_head(org):
    append(org, 4)
    published = audit.head_at(AuditEvent.objects.get(organisation=org, sequence=3))
    event = AuditEvent.objects.get(organisation=org, sequence=2)
    _raw("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 7}', event.pk])
    recompute_chain(org, key=signing_key())
    assert audit.verify(org).ok
    result = audit.verify(org, expect=[(published.sequence, published.hash)])
    assert (result.ok, result.first_broken_sequence) == (False, 3)
    assert "published for it" in result.reason


def test_erasure_reseals_and_still_verifies(org):
    with transaction.atomic():
        audit.record(org, "member.joined", subject=org, data={"name": "Ada Lovelace"})
    append(org, 2)
    assert audit.redact_subject(org, "Organisation", org.pk) == 1
    event = AuditEvent.objects.get(organisation=org, sequence=1)
    assert event.data == {} and event.redacted_at is not None
    assert audit.verify(org).ok
    # and putting the data back, now that it is marked erased, shows
    _raw("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"name": "Ada"}', event.pk])
    assert audit.verify(org).first_broken_sequence == 1


def test_key_rotation_old_events_verify_with_the_retired_key_listed(org, settings):
    settings.MUTUALISE_AUDIT_KEY = KEY_A
    append(org, 2)
    settings.MUTUALISE_AUDIT_KEY = KEY_B
    append(org, 2, start=2)
    settings.MUTUALISE_AUDIT_OLD_KEYS = []
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 1)
    assert "which this server does not hold" in result.reason
    settings.MUTUALISE_AUDIT_OLD_KEYS = [KEY_A]
    assert audit.verify(org).ok
    assert audit.reseal(org).ok
    settings.MUTUALISE_AUDIT_OLD_KEYS = []
    assert audit.verify(org).ok  # the retired key can now be destroyed
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {signing_key().id}


def test_chain_rewritten_under_a_wrong_key_is_caught(org, settings):
    append(org, 3)
    settings.MUTUALISE_AUDIT_KEY = KEY_A
    forged = signing_key()
    settings.MUTUALISE_AUDIT_KEY = KEY_B
    _raw("UPDATE audit_auditevent SET key_id = %s", [forged.id])
    recompute_chain(org, key=forged)
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 1)


def test_cli_verify_checks_a_published_head(org, capsys):
    from mutualise.cli import main

    append(org, 3)
    head = audit.chain_head(org)
    assert main(["audit", "verify", "--org", org.slug, "--expect", str(head)]) == 0
    wrong = f"{head.sequence}:{'0' * 64}"
    assert main(["audit", "verify", "--org", org.slug, "--expect", wrong]) == 1
    assert "published for it" in capsys.readouterr().out
    assert main(["audit", "verify", "--org", org.slug, "--expect", "3:nothex"]) == 2
