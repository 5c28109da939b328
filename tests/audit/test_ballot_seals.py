"""Stored ballots changed after the count, behind the services' back: `verify` names each one.

Before ballots were sealed into the chain nothing noticed: editing 19 stored ballots of a
declared election changed who the published BLT elects, and `mutualise audit verify` passed."""

import contextlib
import re
import uuid
import zlib

import pytest
from django.db import connection
from django.urls import reverse
from meeting_helpers import at, found, new_meeting, notice_day
from meeting_helpers import make_members as make_meeting_members

from mutualise.audit import digests
from mutualise.audit.models import AuditEvent, SealedBallots
from mutualise.audit.services import chain_head, latest_event, notice_record, verify
from mutualise.cli import main
from mutualise.counting.blt import parse_blt
from mutualise.elections import services, tally
from mutualise.elections.models import Ballot
from mutualise.meetings import services as meetings
from mutualise.meetings.models import Ballot as PollBallot

pytestmark = pytest.mark.django_db

DECLARATIONS = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def declared(polling):
    """40 ballots cast, counted and declared."""
    drive, codes = polling
    election = drive.election
    for i, code in enumerate(codes):
        raw = {1: "1", 2: "2"} if i < 24 else {3: "1", 4: "2", 5: "3"}
        services.cast(election, code, services.parse_marks(election, raw), now=drive.polling)
    return drive.close_and_count()


def test_the_count_seals_the_ballots_and_the_notice_digest_is_recomputable(declared):
    event = latest_event(declared.organisation, declared, "election.ballots_sealed")
    assert event.data["ballots"] == 40
    published = parse_blt(tally.ballots_blt(declared))
    lines = []
    for ranking, weight in zip(published.rankings, published.weights, strict=True):
        marks = " ".join(str(c + 1) for c in ranking if c >= 0)
        lines += [marks] * int(weight)
    assert digests.ballots_sha256(lines) == event.data["ballots_sha256"]
    counted = latest_event(declared.organisation, declared, "election.counted")
    assert counted.data["ballots_sha256"] == event.data["ballots_sha256"]
    assert verify(declared.organisation).ok


def test_nineteen_ballots_edited_with_raw_sql_are_named(declared, capsys):
    org = declared.organisation
    edited = list(
        Ballot.objects.filter(election=declared, marks="1 2").values_list("id", flat=True)[:19]
    )
    for ballot_id in edited:
        _raw("UPDATE elections_ballot SET marks = %s WHERE id = %s", ["3 4 5", ballot_id.hex])
    if Ballot.objects.filter(election=declared, marks="3 4 5").count() != 35:
        for ballot_id in edited:  # PostgreSQL stores uuids natively
            _raw("UPDATE elections_ballot SET marks = %s WHERE id = %s", ["3 4 5", str(ballot_id)])
    assert Ballot.objects.filter(election=declared, marks="3 4 5").count() == 35
    result = verify(org)
    assert not result.ok and result.first_broken_sequence is None  # the chain itself is intact
    text = "\n".join(result.problems)
    assert "19 ballots changed since they were sealed" in text
    for ballot_id in edited:
        assert f"ballot {ballot_id} was edited: '1 2' at the count, '3 4 5' now" in text
    assert main(["audit", "verify", "--org", org.slug]) == 1
    assert str(edited[0]) in capsys.readouterr().out


def test_a_deleted_and_an_added_ballot_are_named(declared):
    victim = Ballot.objects.filter(election=declared).order_by("id").first()
    Ballot.objects.filter(pk=victim.pk).delete()
    stuffed = Ballot.objects.create(
        organisation=declared.organisation, election=declared, receipt="STUFFED", marks="5"
    )
    text = "\n".join(verify(declared.organisation).problems)
    assert f"ballot {victim.pk} was deleted (it read {victim.marks!r} at the count)" in text
    assert f"ballot {stuffed.pk} was added ('5')" in text
    assert "2 ballots changed" in text


def test_an_edited_sealed_listing_is_caught(declared):
    sealed = SealedBallots.objects.get(event__subject_id=str(declared.pk))
    plain, _ = digests.read_listing(bytes(sealed.listing))
    rows = digests.listing_rows(plain)
    rows[str(uuid.uuid4())] = "5"
    forged = digests.seal(rows.items())
    SealedBallots.objects.filter(pk=sealed.pk).update(listing=forged.listing)
    assert "the list of ballots it sealed was altered" in "\n".join(
        verify(declared.organisation).problems
    )
    SealedBallots.objects.filter(pk=sealed.pk).delete()
    assert "is missing" in "\n".join(verify(declared.organisation).problems)


def test_a_forged_seal_event_breaks_the_chain(declared):
    """Rewriting the sealing event's digest to match edited ballots breaks its data digest."""
    event = latest_event(declared.organisation, declared, "election.ballots_sealed")
    data = {**event.data, "ballots_sha256": "0" * 64}
    AuditEvent.objects.filter(pk=event.pk).update(data=data)
    result = verify(declared.organisation)
    assert result.first_broken_sequence == event.sequence


def test_a_meeting_poll_ballot_edited_after_the_declaration_is_named(db, client):
    org = found("co-operative-society", slug="riverside-coop")
    members = make_meeting_members(org, 20)
    meeting = new_meeting(org, kind="general")
    motion = meetings.add_resolution(
        meeting, title="Paint the hall", text="Green.", kind_id="ordinary"
    )
    meetings.call_meeting(meeting, now=notice_day(meeting))
    meeting = meetings.open_meeting(meeting, now=at(meeting.date))
    meetings.check_in_many(meeting, members)
    meetings.demand_poll(motion, members[:3])
    meetings.open_vote(motion)
    for i, member in enumerate(members):
        meetings.cast_vote(motion, member, "for" if i < 11 else "against")
    meetings.declare_result(motion)
    sealed = latest_event(org, motion, "resolution.ballots_sealed")
    declared = latest_event(org, motion, "resolution.declared")
    assert sealed.data["ballots"] == 20
    assert declared.data["ballots_sha256"] == sealed.data["ballots_sha256"]
    assert verify(org).ok
    flipped = PollBallot.objects.filter(resolution=motion, choice="for").first()
    PollBallot.objects.filter(pk=flipped.pk).update(choice="against")
    added = PollBallot.objects.create(
        organisation=org, resolution=motion, choice="for", receipt="f" * 64
    )
    meeting_page = client.get(reverse("meetings:results", args=[org.slug, meeting.pk]))
    assert notice_record(motion).ballots_sha256 in meeting_page.content.decode()
    assert str(notice_record(motion).head) in meeting_page.content.decode()
    text = "\n".join(verify(org).problems)
    assert f"ballot {flipped.pk} was edited: 'for' at the count, 'against' now" in text
    assert f"ballot {added.pk} was added ('for')" in text


def _pdf_text(content: bytes) -> str:
    """The text drawn on a PDF's pages (fpdf2 compresses each page's stream)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    out = []
    for stream in streams:
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(stream).decode("latin-1"))
    return "\n".join(out)


def test_the_result_notices_print_the_digest_and_the_chain_head(declared, client):
    org = declared.organisation
    record = notice_record(declared)
    sealed = latest_event(org, declared, "election.ballots_sealed")
    declaration = latest_event(org, declared, "election.declared")
    assert record.ballots_sha256 == sealed.data["ballots_sha256"]
    assert str(record.head) == f"{declaration.sequence}:{declaration.hash}"
    page = client.get(reverse("elections:results", args=[org.slug, declared.pk])).content.decode()
    assert record.ballots_sha256 in page and str(record.head) in page
    pdf = client.get(reverse("elections:results_pdf", args=[org.slug, declared.pk])).content
    text = _pdf_text(pdf)
    assert record.ballots_sha256 in text and str(record.head) in text
    public = client.get(reverse("organisation", args=[org.slug])).content.decode()
    assert str(chain_head(org)) in public
    # and the printed head is what `verify --expect` checks
    assert verify(org, expect=[(record.head.sequence, record.head.hash)]).ok
