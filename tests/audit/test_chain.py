"""The audit chain: appending, verifying, and catching rows edited or deleted behind its back."""

import pytest
from django.db import connection, transaction

from mutualise.audit import services as audit
from mutualise.audit.models import AuditEvent
from mutualise.register.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return Organisation.objects.create(slug="test-coop", name="Test Co-op")


def append(org, n):
    for i in range(n):
        with transaction.atomic():
            audit.record(org, "test.happened", actor="tester", data={"i": i, "name": f"x{i}"})


def test_events_chain_and_verify(org):
    append(org, 5)
    events = list(AuditEvent.objects.filter(organisation=org).order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert events[0].previous_hash == ""
    assert all(b.previous_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    result = audit.verify(org)
    assert result.ok and result.checked == 5


@pytest.mark.django_db(transaction=True)
def test_record_outside_transaction_is_refused(org):
    with pytest.raises(RuntimeError, match="inside a transaction"):
        audit.record(org, "test.happened")


def test_chains_are_per_organisation(org):
    other = Organisation.objects.create(slug="other", name="Other")
    append(org, 2)
    append(other, 3)
    assert audit.verify(org).checked == 2
    assert audit.verify(other).checked == 3


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_edited_data_is_caught(org):
    append(org, 4)
    event = AuditEvent.objects.get(organisation=org, sequence=3)
    _raw("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 99}', event.pk])
    result = audit.verify(org)
    assert not result.ok
    assert result.first_broken_sequence == 3
    assert "data was changed" in result.reason


def test_edited_action_is_caught(org):
    append(org, 4)
    event = AuditEvent.objects.get(organisation=org, sequence=2)
    _raw("UPDATE audit_auditevent SET actor = %s WHERE id = %s", ["mallory", event.pk])
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 2)


def test_deleted_row_is_caught(org):
    append(org, 4)
    event = AuditEvent.objects.get(organisation=org, sequence=2)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 2)
    assert "missing" in result.reason


def test_deleted_tail_is_caught(org):
    append(org, 4)
    event = AuditEvent.objects.get(organisation=org, sequence=4)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    result = audit.verify(org)
    assert (result.ok, result.first_broken_sequence) == (False, 4)


def test_redaction_keeps_the_chain_verifiable(org):
    with transaction.atomic():
        audit.record(org, "member.joined", subject=org, data={"name": "Ada Lovelace"})
    append(org, 2)
    assert audit.redact_subject(org, "Organisation", org.pk) == 1
    event = AuditEvent.objects.get(organisation=org, sequence=1)
    assert event.data == {} and event.redacted_at is not None
    assert audit.verify(org).ok
