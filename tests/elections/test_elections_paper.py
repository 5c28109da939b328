"""Paper keying is no oracle (issue 10): an officer who holds a voter's code (the returning
officer sees the poll cards) but not their paper must not learn the marks another officer keyed
by trying marks as a "second keying" until one matches. A mismatch now discards the first
keying too, audited, so each paper gives at most one guess and its first keyer sees it gone."""

from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment

from mutualise.audit.models import AuditEvent
from mutualise.elections import clock, services
from mutualise.elections.models import PaperEntry, VoteRecord
from mutualise.register.models import Role

DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


@pytest.mark.django_db
def test_a_second_officer_cannot_guess_a_keyed_paper_ballot(
    nhs_org, returning_officer, monkeypatch
):
    election = services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=returning_officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, returning_officer)
    drive.to_nominations()
    for member in make_members(nhs_org, "public-north-tyneside", 6, prefix="Candidate"):
        services.nominate(election, member, declarations=DECLARE, actor="x", now=drive.nominating)
    (voter,) = make_members(nhs_org, "public-north-tyneside", 1)
    code = drive.to_poll()[voter.pk]
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    first = make_user(nhs_org, "clerk1", Role.Kind.RETURNING_OFFICER)
    prober = make_user(nhs_org, "clerk2", Role.Kind.RETURNING_OFFICER)
    assert services.key_paper_ballot(election, code, [4], actor=first) is None
    answered = []
    for guess in (1, 2, 3, 4):
        receipt = None
        try:
            receipt = services.key_paper_ballot(election, code, [guess], actor=prober)
        except services.ElectionError as refused:
            answered.append(f"refused: {refused}")
        else:
            answered.append(f"cast {guess}" if receipt else f"held {guess}")
        if answered[-1].startswith("held"):
            services.discard_paper_keying(election, code, actor=prober)
    # Before: refused, refused, refused, then "cast 4" (the voter's marks found, and cast, by
    # trial). Now the first guess throws the first keying away, and each later guess is only a
    # first keying of the prober's own (thrown away here in turn).
    assert answered[0].startswith("refused: this keying does not match"), answered
    assert "cast 4" not in answered, answered
    assert not VoteRecord.objects.filter(election=election).exists()
    assert not PaperEntry.objects.filter(election=election).exists()
    mismatched = AuditEvent.objects.filter(
        action="election.paper_keying_discarded", data__reason="the second keying did not match"
    )
    assert mismatched.count() == 1 and code not in str(mismatched.get().data)
    # Keyed again, twice and matching, it is cast.
    assert services.key_paper_ballot(election, code, [4], actor=first) is None
    assert services.key_paper_ballot(election, code, [4], actor=prober)
    assert VoteRecord.objects.get(election=election).channel == "post"
