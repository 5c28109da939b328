"""The SQLite import through the holding table (register/holding.py): the same members as the
one-transaction path, nothing held afterwards, nothing kept of a failed import, and a row whose
reference joined the register while the file was being checked counted as already present.

Transactional tests: the holding path commits its chunks, so it runs only outside a caller's
transaction (under the usual test transaction an import takes the one-transaction path)."""

from datetime import date

import pytest
from test_import import (
    BAD_ROWS,
)
from test_import import (
    test_accepting_writes_good_rows_and_reimport_is_idempotent as _accepting_and_reimporting,
)
from test_import import (
    test_importing_applicants_for_the_board as _importing_applicants,
)

from mutualise.register import holding, services
from mutualise.register.models import (
    ImportBatch,
    ImportHolding,
    ImportHoldingRow,
    Member,
    MembershipPeriod,
)

ON = date(2026, 6, 1)
pytestmark = [
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def through_holding(monkeypatch, transactional_db):
    """Counts the imports that took the holding path (all of them, on SQLite)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the holding table is SQLite's path; PostgreSQL imports in one transaction")
    begun = []
    original = holding.begin

    def begin(*args, **kwargs):
        begun.append(original(*args, **kwargs))
        return begun[-1]

    monkeypatch.setattr(holding, "begin", begin)
    yield begun
    assert not ImportHoldingRow.objects.exists() and not ImportHolding.objects.exists()


@pytest.fixture
def existing(org):
    return services.join(
        org, on=ON, display_name="Existing Person", date_of_birth=date(1960, 1, 1),
        postcode="NE3 1AA", email="existing@example.org",
    )  # fmt: skip


def test_good_rows_become_members_through_the_holding_table(through_holding, org, existing):
    _accepting_and_reimporting(org, existing)
    assert len(through_holding) == 2  # the import and its repeat


def test_applicants_through_the_holding_table(through_holding, board_org, org):
    _importing_applicants(board_org, org)
    assert len(through_holding) == 1


def test_a_failed_import_keeps_nothing_held_or_imported(through_holding, org, existing):
    def boom(batch, result):
        assert Member.objects.filter(import_batch=batch).count() == 4  # in the final step
        raise RuntimeError("the final step failed")

    with pytest.raises(RuntimeError, match="final step"):
        services.accept_import(org, BAD_ROWS.read_bytes(), "bad.csv", on=ON, before_commit=boom)
    assert Member.objects.count() == 1 and not ImportBatch.objects.exists()
    assert MembershipPeriod.objects.count() == 1


def test_a_reference_that_joined_meanwhile_is_already_present(
    through_holding, org, existing, monkeypatch
):
    original = holding.apply

    def apply(held, batch, **kwargs):  # R002 joins between the checking and the final step
        assert ImportHoldingRow.objects.filter(holding=held).count() == 4
        Member.objects.create(
            organisation=org, number=99, status="admitted", constituency_id="public",
            display_name="Brian Gates", applied_on=ON, external_ref="R002",
        )  # fmt: skip
        return original(held, batch, **kwargs)

    monkeypatch.setattr(holding, "apply", apply)
    batch, result = services.accept_import(org, BAD_ROWS.read_bytes(), "bad.csv", on=ON)
    assert (batch.rows_created, batch.rows_already_present) == (3, 1)
    assert result.rows_already_present == 1
    numbers = Member.objects.filter(import_batch=batch).order_by("number")
    assert [m.number for m in numbers] == [2, 3, 4]  # contiguous, in the file's order
    assert Member.objects.filter(external_ref="R002").count() == 1
