"""The migration that gave the elections' ballot tables their `organisation` fills it from each
row's election (issue 20 item 7): rows written before it keep their organisation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from election_helpers import CLOSE_OF_POLL, moment

from mutualise.elections import services
from mutualise.elections.models import Ballot, EntryThrottle, PaperEntry, Receipt, SealedBallot

BEFORE = [("elections", "0002_secrecy_mixing")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_migration_get_their_elections_organisation(
    nhs_org, returning_officer
):
    election = services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=returning_officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    own = {"organisation": nhs_org, "election": election}
    Ballot.objects.create(**own, marks="1 2")
    Receipt.objects.create(**own, receipt="R1")
    SealedBallot.objects.create(**own, sealed="x")
    PaperEntry.objects.create(**own, code_hash="h", keyed_by_name="a")
    EntryThrottle.objects.create(**own, client="c", window_start=moment(CLOSE_OF_POLL))
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes("elections")
    try:
        _migrate(BEFORE)  # the column goes; the rows stay
        with connection.cursor() as cursor:
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, "elections_ballot")
            ]
        assert "organisation_id" not in columns
        _migrate(leaf)
    finally:
        _migrate(leaf)
    for model in (Ballot, Receipt, SealedBallot, PaperEntry, EntryThrottle):
        assert list(model.objects.values_list("organisation_id", flat=True)) == [nhs_org.pk]
