"""The ballots the audit chain seals at the count (audit/digests.py), read the one way both the
count and `mutualise audit verify` read them: each ballot's id and its marks as published."""

from .models import Ballot

SEALED_ACTION = "election.ballots_sealed"
MIXED_ACTION = "election.ballots_mixed"  # one per mix batch: its keyed sum (audit/batch_sums.py)


def stored_ballots(election_id: str):
    rows = Ballot.objects.filter(election_id=int(election_id)).values_list("id", "marks")
    return ((str(ballot_id), marks) for ballot_id, marks in rows.iterator(chunk_size=5000))
