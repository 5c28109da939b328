"""The migration that made a candidate's proposers and seconders through models carrying
`organisation` (issue 20 item 7) keeps the links written before it, each given its candidate's
organisation."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from election_helpers import make_members

from mutualise.elections.models import Candidate, CandidateProposer, CandidateSeconder, Election
from mutualise.register import services as register

BEFORE = [("elections", "0005_turnout_and_paper_nominations")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _candidate(org, constituency_id):
    election = Election.objects.create(
        organisation=org, title="t", body_id="b", seat_group_id="s",
        constituency_id=constituency_id, vacancies=1, method="stv-ers97",
        close_of_poll=date(2027, 3, 1), created_by="t",
    )  # fmt: skip
    member, proposer, seconder = make_members(org, constituency_id, 3)
    candidate = Candidate.objects.create(
        organisation=org, election=election, member=member, ballot_name="c",
        nominated_at=election.created_at,
    )  # fmt: skip
    return candidate, proposer, seconder


@pytest.mark.django_db(transaction=True)
def test_links_written_before_the_migration_keep_them_and_get_the_candidates_organisation(
    nhs_org,
):
    other = register.create_from_model(
        model="supporters-trust", name="Ayrshire Supporters Trust", slug="ayrshire", actor="t"
    )
    made = [_candidate(nhs_org, "public-north-tyneside"), _candidate(other, "members")]
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes("elections")
    try:
        old = _migrate(BEFORE).loader.project_state(BEFORE[0]).apps
        old_candidate = old.get_model("elections", "Candidate")
        assert old_candidate.proposers.through._meta.auto_created  # Django's own join table
        for candidate, proposer, seconder in made:
            old_candidate.proposers.through.objects.create(
                candidate_id=candidate.pk, member_id=proposer.pk
            )
            old_candidate.seconders.through.objects.create(
                candidate_id=candidate.pk, member_id=seconder.pk
            )
        _migrate(leaf)
    finally:
        _migrate(leaf)
    for candidate, proposer, seconder in made:
        assert list(candidate.proposers.all()) == [proposer]
        assert list(candidate.seconders.all()) == [seconder]
        for link in (CandidateProposer, CandidateSeconder):
            assert list(
                link.objects.filter(candidate=candidate).values_list("organisation", flat=True)
            ) == [candidate.organisation_id]
    assert {c.organisation_id for c, _, _ in made} == {nhs_org.pk, other.pk}
