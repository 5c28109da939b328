"""The bulk writer's load techniques keep the database's guarantees: foreign keys proved
set-wise on PostgreSQL when the row triggers are off, SQLite's indexes rebuilt exactly, and
values written as literals stored as they were given."""

from datetime import date

import pytest
from django.db import IntegrityError, connection

from mutualise.register import bulkwrite, services
from mutualise.register.models import ImportBatch, Member, MembershipPeriod

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's row triggers and privileges: runs in make test's PostgreSQL pass",
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's index rebuild: runs in make test's SQLite pass"
)


def _file(rows: int, address: str = "1 High Street") -> bytes:
    lines = ["Member ID,Name,DOB,Address,Postcode,Email"]
    for i in range(rows):
        email = f"p{i}@example.org" if i % 2 else ""
        lines.append(f'HR{i:05d},Person {i:05d},1980-01-01,"{address}",NE1 {i % 10}AB,{email}')
    return ("\n".join(lines) + "\n").encode()


def _orphans() -> int:
    """Rows whose foreign keys point nowhere: what the row triggers exist to prevent."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM register_member m"
            " LEFT JOIN register_organisation o ON o.id = m.organisation_id"
            " LEFT JOIN register_importbatch b ON b.id = m.import_batch_id"
            " WHERE o.id IS NULL OR (m.import_batch_id IS NOT NULL AND b.id IS NULL)"
        )
        members = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM register_membershipperiod p"
            " LEFT JOIN register_member m ON m.id = p.member_id"
            " WHERE m.id IS NULL OR m.organisation_id <> p.organisation_id"
        )
        return members + cursor.fetchone()[0]


def _replication_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.parametrize("set_based", [True, False], ids=["triggers-off", "triggers-on"])
def test_postgres_import_keeps_foreign_keys_either_way(org, settings, set_based):
    settings.MUTUALISE_IMPORT_SET_BASED_CHECKS = set_based
    used = []
    original = bulkwrite.MemberWriter.finish

    def finish(self):
        used.append(self.set_based_checks)
        return original(self)

    bulkwrite.MemberWriter.finish = finish
    try:
        batch, _ = services.accept_import(org, _file(300), "hr.csv", on=ON)
    finally:
        bulkwrite.MemberWriter.finish = original
    assert used == [set_based]  # the test database's role is a superuser
    assert batch.rows_created == 300
    assert MembershipPeriod.objects.filter(member__import_batch=batch).count() == 300
    assert _orphans() == 0
    assert _replication_role() == "origin"  # switched back inside the transaction


@postgres_only
def test_a_load_that_breaks_a_foreign_key_is_refused_whole(org, monkeypatch):
    """With the triggers off, a member pointing at a batch that does not exist would go
    unnoticed by the database: the set-wise proof must catch it and keep nothing."""
    original = bulkwrite.MemberWriter._send

    def send(self):
        self.batch = ImportBatch(pk=10**9)  # rows now name a batch that is not there
        return original(self)

    monkeypatch.setattr(bulkwrite.MemberWriter, "_send", send)
    before = Member.objects.count()
    with pytest.raises(IntegrityError, match="does not match its foreign keys"):
        services.accept_import(org, _file(20), "hr.csv", on=ON)
    assert Member.objects.count() == before
    assert _replication_role() == "origin"


@postgres_only
def test_without_the_privilege_the_row_triggers_run(org, settings):
    """A role that may not set session_replication_role gets the ordinary path."""
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS mutualise_plain")
        cursor.execute("CREATE ROLE mutualise_plain")
        cursor.execute("SET LOCAL ROLE mutualise_plain")
        try:
            assert bulkwrite._may_switch_off_row_triggers(connection, cursor) is False
        finally:
            cursor.execute("RESET ROLE")
            cursor.execute("DROP ROLE mutualise_plain")
        assert bulkwrite._may_switch_off_row_triggers(connection, cursor) is True
        settings.MUTUALISE_IMPORT_SET_BASED_CHECKS = False
        assert bulkwrite._may_switch_off_row_triggers(connection, cursor) is False


@pytest.mark.parametrize(
    "address", ["O'Brien's Yard", "100%s Lane", "50% off; DROP TABLE x", "Caf\u00e9 Row"]
)
def test_values_shared_by_a_whole_batch_are_stored_as_given(org, address):
    """A column holding one value for a whole batch is written as an SQL literal on SQLite."""
    batch, _ = services.accept_import(org, _file(30, address=address), "hr.csv", on=ON)
    stored = set(Member.objects.filter(import_batch=batch).values_list("address", flat=True))
    assert stored == {address}
    member = Member.objects.filter(import_batch=batch).order_by("number").first()
    assert (member.phone, member.large_print, member.date_of_birth) == ("", False, date(1980, 1, 1))
    assert member.contract_months is None and member.attestations == []


def test_sqlite_literals():
    assert bulkwrite._sqlite_literal(None) == "NULL"
    assert bulkwrite._sqlite_literal(True) == "1"
    assert bulkwrite._sqlite_literal(0) == "0"
    assert bulkwrite._sqlite_literal("it's") == "'it''s'"
    assert bulkwrite._sqlite_literal(date(2001, 2, 3)) == "'2001-02-03'"
    assert bulkwrite._sqlite_literal("a\x00b") is None  # bound instead
    assert bulkwrite._sqlite_literal(1.5) is None
