"""The suite's flush on PostgreSQL (tests/fast_flush.py) leaves what Django's own leaves: every
table empty but the post-migrate content types and permissions, made again."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from mutualise.constitution import model_path
from mutualise.register import services
from mutualise.register.models import Member, Organisation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's flush only"),
]
MADE_AGAIN = {"django_content_type", "auth_permission"}


def _tables_with_rows() -> set[str]:
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        return {t for t in tables if _has_rows(cursor, t)}


def _has_rows(cursor, table: str) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
    return cursor.fetchone()[0]


def test_a_flush_empties_every_table_written_to_and_makes_the_content_types_again():
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    services.create_organisation(
        name="Flushed", constitution_text=text, source_name="coop.yaml", slug="flushed", actor="t"
    )
    written = _tables_with_rows()
    assert {"register_organisation", "audit_auditevent"} <= written
    call_command("flush", interactive=False, verbosity=0)
    assert _tables_with_rows() == MADE_AGAIN
    assert ContentType.objects.get_for_model(Member) and Permission.objects.exists()
    assert not Organisation.objects.exists()


def test_a_flush_with_nothing_written_leaves_the_content_types():
    call_command("flush", interactive=False, verbosity=0)
    assert _tables_with_rows() == MADE_AGAIN
