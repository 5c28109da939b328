"""Tampering with an election's mixed ballots *and* the audit events that sum them (issue 10):
someone with a copy of the database, but not the audit key, edits, deletes or replays the mix
batch events (`election.ballots_mixed`) to cover a rewritten box. Each attack must be named by
`mutualise audit verify` and refuse the count, on SQLite and PostgreSQL alike.

Before the fix the count trusted the batch events as stored: a batch event marked as erased
(`redacted_at`) switched its check off, and an event edited, deleted or copied (with the
ballots and vote records to match) went unnoticed until someone ran `verify`."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, moment

from mutualise.audit import services as audit
from mutualise.audit.models import AuditEvent, AuditHead
from mutualise.elections import clock, mixing, services
from mutualise.elections.models import Ballot, Receipt, RollEntry, SealedBallot, VoteRecord
from mutualise.elections.sealed import MIXED_ACTION

DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
VOTERS, ABSTAINERS = 45, 26  # K = 20: one batch of 25 mixed mid-poll, 20 left sealed


def _mid_poll(org, actor, monkeypatch):
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=actor,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, actor)
    drive.to_nominations()
    for member in make_members(org, "public-north-tyneside", 6, prefix="Candidate"):
        services.nominate(election, member, declarations=DECLARE, actor="x", now=drive.nominating)
    people = make_members(org, "public-north-tyneside", VOTERS + ABSTAINERS)
    codes = drive.to_poll()
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    monkeypatch.setattr(mixing, "after_cast", lambda election: None)  # one batch, mixed below
    for n, person in enumerate(people[:VOTERS]):
        services.cast(election, codes[person.pk], [1 + n % 6])
    head = AuditHead.objects.filter(organisation=org).values().get()  # as a copy keeps it
    mixing.mix(election)  # (the casts' own mixes run on commit, which a test never reaches)
    election.head_before_the_batch, election.closes = head, drive.at("close_of_poll")
    assert Ballot.objects.filter(election=election).count() == VOTERS - 20
    assert audit.verify(org).ok
    return election, drive


def _batch_event(election) -> AuditEvent:
    (event,) = AuditEvent.objects.filter(
        action=MIXED_ACTION, subject_type="Election", subject_id=str(election.pk)
    )
    return event


def _mixed_records(election):
    """The vote records of the mixed batch: those no sealed ballot names (an attacker on
    PostgreSQL reads them off the batch's xmin; the test opens the seals instead)."""
    sealed = SealedBallot.objects.filter(election=election).values_list("sealed", flat=True)
    waiting = [uuid.UUID(o["v"]) for o in mixing.SEAL.unseal_many(list(sealed))]
    return VoteRecord.objects.filter(election=election).exclude(id__in=waiting)


def _abstainers(election, n: int):
    voted = VoteRecord.objects.filter(election=election).values_list("roll_entry_id", flat=True)
    return list(RollEntry.objects.filter(election=election).exclude(pk__in=voted)[:n])


def _stuff(election, contents: list[str]):
    """Ballots added with a vote record each, for roll entries who did not vote."""
    for entry, marks in zip(_abstainers(election, len(contents)), contents, strict=True):
        fixed = {"organisation_id": election.organisation_id, "election": election}
        Ballot.objects.create(**fixed, receipt="", marks=marks)
        Receipt.objects.create(**fixed, receipt="ABCDEFGHJKMN")
        VoteRecord.objects.create(**fixed, roll_entry=entry, channel="internet")


def rewrite_one(election, officer):
    Ballot.objects.filter(
        pk=Ballot.objects.filter(election=election).exclude(marks="1")[0].pk
    ).update(marks="1")


def delete_one(election, officer):
    Ballot.objects.filter(pk=Ballot.objects.filter(election=election)[0].pk).delete()
    VoteRecord.objects.filter(pk=_mixed_records(election)[0].pk).delete()


def add_one(election, officer):
    _stuff(election, ["1"])


def move_to_another_election(election, officer):
    other = services.create_election(
        election.organisation,
        body_id="council-of-governors",
        seat_group_id="public-newcastle",
        close_of_poll=CLOSE_OF_POLL,
        actor=officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=119)),
    )
    moved = Ballot.objects.filter(election=election)[0]
    Ballot.objects.filter(pk=moved.pk).update(election=other)
    VoteRecord.objects.filter(pk=_mixed_records(election)[0].pk).delete()


def mark_the_batch_erased(election, officer):
    """The event looks erased (as `redact_subject` leaves it), so nothing sums the batch; then
    every mixed ballot is given to candidate 1."""
    AuditEvent.objects.filter(pk=_batch_event(election).pk).update(data={}, redacted_at=clock.now())
    Ballot.objects.filter(election=election).update(marks="1")


def zero_the_batch(election, officer):
    """The batch's event edited to say it mixed nothing; its ballots and vote records deleted."""
    AuditEvent.objects.filter(pk=_batch_event(election).pk).update(
        data={
            "ballots": 0,
            "keyed_sum": "0" * 64,
            "sum_key": _batch_event(election).data["sum_key"],
        }
    )
    Ballot.objects.filter(election=election).delete()
    _mixed_records(election).delete()


def delete_the_batch(election, officer):
    """The batch's event deleted with its ballots and vote records: the rest still adds up."""
    _batch_event(election).delete()
    Ballot.objects.filter(election=election).delete()
    _mixed_records(election).delete()


def replay_the_batch(election, officer):
    """The batch's event written again (its data as it was) with its ballots copied, each with a
    vote record for a member who did not vote: the box and its sums grow together."""
    event = _batch_event(election)
    head = AuditHead.objects.get(organisation_id=election.organisation_id)
    event.pk, event.sequence = None, head.last_sequence + 1000  # clear of the count's
    event.save()
    _stuff(election, list(Ballot.objects.filter(election=election).values_list("marks", flat=True)))


def cut_the_chain_back(election, officer):
    """After the close: the batch deleted with everything after it (the close event too), its
    ballots and vote records, and the head row put back as a copy taken before the batch kept
    it. The chain is intact to `verify` (only a published head shows the cut); the count sees
    that the close of poll's event is gone."""
    services.transition(election, "close_poll", actor=officer, now=election.closes)
    Ballot.objects.filter(election=election).delete()
    _mixed_records(election).delete()
    head = election.head_before_the_batch
    AuditEvent.objects.filter(
        organisation_id=election.organisation_id, sequence__gt=head["last_sequence"]
    ).delete()
    AuditHead.objects.filter(pk=head["id"]).update(**head)


ATTACKS = [
    rewrite_one,
    delete_one,
    add_one,
    move_to_another_election,
    mark_the_batch_erased,
    zero_the_batch,
    delete_the_batch,
    replay_the_batch,
    cut_the_chain_back,
]


@pytest.mark.django_db
@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_a_box_rewritten_with_its_batch_events_is_caught(
    nhs_org, returning_officer, monkeypatch, attack
):
    election, drive = _mid_poll(nhs_org, returning_officer, monkeypatch)
    attack(election, returning_officer)
    verification = audit.verify(nhs_org)
    assert not verification.ok or attack is cut_the_chain_back, attack.__name__
    election.refresh_from_db()
    if election.state == "poll_open":
        drive.step("close_poll", drive.at("close_of_poll"))
    with pytest.raises(services.ElectionError, match="not counted") as refused:
        drive.step("count", drive.at("close_of_poll", 30))
    print(attack.__name__, "|", verification, "|", refused.value)
    election.refresh_from_db()
    assert election.counted_at is None
