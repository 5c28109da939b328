"""The migration that renamed the annual-meeting reminder's kind from `agm` to `annual` (issue
20: the rulebook decides which kind of meeting is annual) converts the rows stored before it,
so the daily run finds them again and raises nothing twice."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from governance_helpers import found

from mutualise.governance import services
from mutualise.governance.models import Reminder

BEFORE = [("governance", "0002_reminders")]
ROW = {"act_by": date(2025, 6, 15), "title": "The AGM is due by 30 June 2025", "text": "t",
       "rule": "meetings.agm.within_months_of_year_end: 6", "raised_on": date(2025, 5, 18)}  # fmt: skip


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_stored_agm_reminder_becomes_annual_and_is_not_raised_again(
    django_capture_on_commit_callbacks,
):
    coop = found("co-operative-society", "migrate-coop", founded=date(2024, 1, 1))
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes("governance")
    try:
        old = _migrate(BEFORE).get_model("governance", "Reminder")
        old.objects.create(organisation_id=coop.pk, kind="agm", key="agm",
                           due_on=date(2025, 6, 30), **ROW)  # fmt: skip
        old.objects.create(organisation_id=coop.pk, kind="term", key="holding:1",
                           due_on=date(2027, 1, 1), **ROW)  # fmt: skip
        _migrate(leaf)
    finally:
        _migrate(leaf)
    rows = Reminder.objects.order_by("kind").values_list("kind", "key", "due_on", "state")
    assert list(rows) == [
        ("annual", "annual", date(2025, 6, 30), "open"),
        ("term", "holding:1", date(2027, 1, 1), "open"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.refresh_reminders([coop], today=date(2025, 5, 18))
    assert outcome.raised == 0  # the daily run recognises the converted reminder
    assert Reminder.objects.filter(kind="annual").count() == 1
