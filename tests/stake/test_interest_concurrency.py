"""Interest is worked out under the run's lock (PostgreSQL, two connections): a backdated
movement committed while the run waits for the lock is in the run, to the penny."""

import threading
import time
from datetime import date
from fractions import Fraction

import pytest
from django.db import connection, connections, transaction
from stake_helpers import found, make_members

from mutualise.register.models import Organisation
from mutualise.stake import services

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def _wait_for_a_lock_wait(worker, errors, timeout=120):
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and worker.is_alive():
            # Inside a transaction the statistics views are read once and kept: clear them.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail(f"the interest run never waited for the organisation's lock: {errors}")


@pytest.mark.django_db(transaction=True)
def test_a_backdated_movement_committed_while_the_run_waits_is_in_the_run():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time, so there is no race to test there")
    org = found()
    early, late = make_members(org, 2)
    services.record_movement(org, early, "allotment", 100_000, on=date(2024, 6, 1))
    results, errors = [], []

    def run():
        try:
            results.append(services.post_interest(org, Fraction(5, 100), *YEAR))
        except Exception as exc:  # noqa: BLE001 - reported below, not swallowed
            errors.append(repr(exc))
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    with transaction.atomic():
        # Another officer's transaction holds the organisation while it records an allotment
        # backdated to the start of the year; the run starts meanwhile and must wait.
        Organisation.objects.select_for_update().get(pk=org.pk)
        worker.start()
        _wait_for_a_lock_wait(worker, errors or results)
        services.record_movement(org, late, "allotment", 100_000, on=date(2025, 1, 1))
    worker.join(timeout=120)
    assert errors == []
    ((_, preview),) = results
    # GBP 1,000 at 5% for the whole year each: GBP 50 to both, none left out.
    assert preview.by_member == {early.number: 5_000, late.number: 5_000}
    assert preview.total_pence == 10_000
    assert services.verify_ledger(org) == []
