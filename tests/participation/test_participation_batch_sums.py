"""A mixed budget ballot rewritten in the database before the count is noticed: each mix batch
records the keyed sum of the ballots it wrote (audit/batch_sums.py, the shared mixer), so
`mutualise audit verify` names the budget and the count refuses the box. Raw SQL, on SQLite and
PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from participation_helpers import at, found, make_members
from test_participation_secrecy import DAY, _cast, _voting_budget

from mutualise.audit import services as audit
from mutualise.participation import mixing, services
from mutualise.participation.models import BudgetBallot, HeldBudgetBallot

VOTERS = 45  # K = 20: a mix opens 25 and keeps 20 held
TABLE = BudgetBallot._meta.db_table
TAMPERING = {
    # No voter chose P6 before P1 (the test's ballots list projects in order).
    "edit": f'UPDATE {TABLE} SET choices = \'[["P6",1],["P1",1]]\' WHERE id = '
    f"(SELECT id FROM {TABLE} ORDER BY id LIMIT 1)",
    "delete": f"DELETE FROM {TABLE} WHERE id = (SELECT id FROM {TABLE} ORDER BY id LIMIT 1)",
}
COUNT_DAY = at(DAY + timedelta(days=15))


def _mixed_budget(monkeypatch):
    budget = _voting_budget(found())
    monkeypatch.setattr(mixing, "after_cast", lambda budget: None)
    _cast(budget, make_members(budget.organisation, VOTERS))
    assert mixing.mix(budget) == VOTERS - mixing.batch_size(budget)
    return budget


@pytest.mark.django_db
def test_an_untouched_budget_adds_up_and_is_counted(monkeypatch):
    budget = _mixed_budget(monkeypatch)
    assert audit.verify(budget.organisation).ok
    services.count_budget(budget, actor="test", now=COUNT_DAY)
    batches = audit.events_about(budget.organisation, "Budget", budget.pk)
    assert sorted(e.data["ballots"] for e in batches.filter(action=mixing.MIXED_ACTION)) == [
        20,
        25,
    ]
    assert audit.verify(budget.organisation).ok


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
@pytest.mark.django_db
def test_a_mixed_budget_ballot_rewritten_with_sql_is_caught(monkeypatch, tampering):
    budget = _mixed_budget(monkeypatch)
    with connection.cursor() as cursor:
        cursor.execute(TAMPERING[tampering])
        assert cursor.rowcount == 1
    verification = audit.verify(budget.organisation)
    assert not verification.ok
    assert f"Budget {budget.pk}: the " in str(verification)
    with pytest.raises(services.ParticipationError, match="not as the mixer left it"):
        services.count_budget(budget, actor="test", now=COUNT_DAY)
    budget.refresh_from_db()
    assert budget.counted_at is None
    assert HeldBudgetBallot.objects.filter(budget=budget).count() == 20
