"""A mixed poll ballot rewritten in the database before the declaration is noticed (issue 10,
item 4): each mix batch records the keyed sum of the ballots it wrote (audit/batch_sums.py), so
`mutualise audit verify` names the poll and the declaration refuses the box. Raw SQL, as a DBA
or an injection would write it, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection
from meeting_helpers import at, make_members, new_meeting, notice_day

from mutualise.audit import services as audit
from mutualise.meetings import mixing, services
from mutualise.meetings.models import Ballot, SealedBallot, VoteRecord

VOTERS = 45  # K = 20: a mix opens 25 and keeps 20 sealed
CHOICES = ("for", "against", "abstain")

TAMPERING = {
    "edit": f"UPDATE {Ballot._meta.db_table} SET choice = 'for' WHERE id = "
    f"(SELECT id FROM {Ballot._meta.db_table} WHERE choice <> 'for' ORDER BY id LIMIT 1)",
    "delete": f"DELETE FROM {Ballot._meta.db_table} WHERE id = "
    f"(SELECT id FROM {Ballot._meta.db_table} ORDER BY id LIMIT 1)",
}


def _poll_mid_mix(coop):
    members = make_members(coop, VOTERS)
    meeting = new_meeting(coop)
    resolution = services.add_resolution(
        meeting, title="Secret", text="...", kind_id="ordinary", method="poll"
    )
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members, mode="online")
    resolution = services.open_vote(resolution)
    for n, member in enumerate(members):
        services.cast_vote(resolution, member, CHOICES[n % 3])
    # (The test's transaction never commits, so the on-commit mix is run by hand.)
    assert mixing.mix_when_ready(resolution) == VOTERS - mixing.batch_size(resolution)
    return resolution


@pytest.mark.django_db
def test_an_untouched_poll_adds_up_and_is_declared(coop):
    resolution = _poll_mid_mix(coop)
    assert audit.verify(coop).ok
    declared = services.declare_result(resolution)
    assert declared.votes_for + declared.votes_against + declared.abstentions == VOTERS
    batches = audit.events_about(coop, "Resolution", resolution.pk).filter(
        action=mixing.MIXED_ACTION
    )
    assert sorted(e.data["ballots"] for e in batches) == [20, 25]
    assert audit.verify(coop).ok


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
@pytest.mark.django_db
def test_a_mixed_poll_ballot_rewritten_with_sql_is_caught(coop, tampering):
    resolution = _poll_mid_mix(coop)
    with connection.cursor() as cursor:
        cursor.execute(TAMPERING[tampering])
        assert cursor.rowcount == 1
    verification = audit.verify(coop)
    assert not verification.ok
    assert f"Resolution {resolution.pk}: the " in str(verification)
    assert "keyed sum differs" in str(verification)
    with pytest.raises(services.MeetingError, match="not as the mixer left it"):
        services.declare_result(resolution)
    # Refused whole: nothing declared, the rest still sealed, the record of who voted intact.
    resolution.refresh_from_db()
    assert resolution.state != "declared"
    assert SealedBallot.objects.filter(resolution=resolution).count() == 20
    assert VoteRecord.objects.filter(resolution=resolution).count() == VOTERS
