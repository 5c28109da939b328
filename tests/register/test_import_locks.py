"""Issue 11 item 6 on PostgreSQL: an import keeps its one transaction (COPY, bulkwrite.py), but
must hold no lock that keeps a vote from being cast meanwhile. Casting inserts rows that point
to the organisation, whose foreign-key check takes FOR KEY SHARE on the organisation's row;
the import used to lock that row FOR UPDATE for its whole length, so every vote in the
organisation waited for the import. It now locks it FOR NO KEY UPDATE (still serialising the
organisation's imports and keeping it from deletion).

A real import in a second thread (its own connection) is held open inside its transaction,
after all its rows are written, while this thread casts votes with a lock timeout."""

import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "elections"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 200


def test_votes_are_cast_while_a_postgresql_import_holds_its_transaction(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's row locks (SQLite: test_import_while_voting)")
    from bench_register import make_file
    from election_helpers import make_user
    from test_elections_secrecy import _contested

    from mutualise.constitution import model_path
    from mutualise.elections import services as elections
    from mutualise.register import services
    from mutualise.register.models import Member, Role

    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    text = text.replace("membership:\n", "membership:\n  admission_by_board: false\n", 1)
    org = services.create_organisation(
        name="Tyneside Hospitals", constitution_text=text, source_name="ft.yaml", slug="tyne"
    )
    officer = make_user(org, "ro", Role.Kind.RETURNING_OFFICER)
    election, drive, people, codes = _contested(org, officer, voters=3)
    path = tmp_path / "members.csv"
    make_file(path, ROWS)
    inside, release, failures = threading.Event(), threading.Event(), []

    def hold(batch, result) -> None:  # the import's last moment before its commit
        inside.set()
        release.wait(60)

    def run_import() -> None:
        try:
            services.accept_import(org, path.read_bytes(), "members.csv", before_commit=hold)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            failures.append(exc)
            inside.set()
        finally:
            connections.close_all()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert inside.wait(120), "the import never reached its commit"
        assert not failures, failures
        with connection.cursor() as cursor:  # a vote kept waiting fails instead of hanging
            cursor.execute("SET lock_timeout = '5s'")
        receipts = [
            elections.cast(election, codes[person.pk], [1, 2], now=drive.polling)
            for person in people
        ]
    finally:
        release.set()
        importer.join(120)
    assert not failures, failures
    assert len(set(receipts)) == len(people)
    assert Member.objects.filter(import_batch__isnull=False).count() == ROWS
