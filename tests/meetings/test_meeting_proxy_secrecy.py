"""Issue 10, part 2, for proxies on a secret poll: a proxy's instruction is the appointer's vote
(cast for them at the declaration unless they vote themselves), so a copy of the database must
not show it beside the appointer, before the meeting, during the poll or after the declaration.
The instruction is sealed like a waiting ballot (docs/secrecy-meeting-polls.md)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.meetings import services
from mutualise.meetings.models import ProxyAppointment

pytestmark = pytest.mark.django_db
WORDS = ('"for"', '"against"', '"abstain"', '"discretion"')


def _rows_as_text() -> list[str]:
    """Every stored proxy appointment as a database reader sees it: each column as text."""
    table = ProxyAppointment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed table name
        return [" ".join(str(value) for value in row) for row in cursor.fetchall()]


def _meeting():
    org = found("community-mutual", slug="coop")
    users = [get_user_model().objects.create_user(f"m{i}") for i in range(12)]
    members = make_members(org, 12, users=users)
    starts = timezone.now() + timedelta(minutes=5)
    meeting = services.create_meeting(
        org, kind="general", title="Autumn meeting", starts_at=starts, place="Hall", online=True
    )
    resolution = services.add_resolution(
        meeting, title="Solar roof", text="Panels.", kind_id="ordinary", method="poll",
    )  # fmt: skip
    assert resolution.secret
    services.call_meeting(meeting, now=starts - timedelta(days=30))
    return members, meeting, resolution, starts


def test_no_copy_of_the_database_shows_a_proxys_instruction():
    members, meeting, resolution, starts = _meeting()
    lodged = starts - timedelta(days=2)
    choices = ["for", "against", "abstain", "for", "against"]
    for member, choice in zip(members[5:10], choices, strict=True):
        services.appoint_proxy(meeting, member, instructions={"1": choice}, now=lodged)
    # A replaced appointment keeps its (revoked) row: sealed too.
    services.appoint_proxy(meeting, members[10], instructions={"1": "against"}, now=lodged)
    services.appoint_proxy(meeting, members[10], instructions={"1": "for"}, now=lodged)
    rows = _rows_as_text()
    assert len(rows) == 7
    for row in rows:
        assert not any(word in row for word in WORDS), row
    # Each sealed instruction is one length, whatever it says.
    assert len({len(a.instructions_sealed) for a in ProxyAppointment.objects.all()}) == 1
    # The application still reads them: the appointer's page, and the count.
    by_member = {a.appointer_id: a.instructions for a in ProxyAppointment.objects.filter(
        revoked_at__isnull=True)}  # fmt: skip
    assert by_member[members[6].pk] == {"1": "against"}
    assert by_member[members[10].pk] == {"1": "for"}
    client = Client()
    client.force_login(members[6].user)
    page = client.get(f"/o/coop/meetings/{meeting.pk}/").content.decode()
    assert "Resolution 1: against" in page
    services.open_meeting(meeting, now=starts)
    services.check_in_many(meeting, members[0:3], mode="online")
    services.open_vote(resolution)
    for member in members[0:3]:
        services.cast_vote(resolution, member, "abstain")
    declared = services.declare_result(resolution)
    # Instructed: for x3 (5, 8, 10), against x2 (6, 9), abstain x1 (7); the room: 3 abstain.
    assert (declared.votes_for, declared.votes_against, declared.abstentions) == (3, 2, 4)
    for row in _rows_as_text():
        assert not any(word in row for word in WORDS), row


def test_an_instruction_too_long_to_seal_is_refused_in_words():
    with pytest.raises(ValueError, match="instructions: at most"):
        ProxyAppointment(instructions={str(n): "discretion" for n in range(400)})


def test_instructions_sealed_under_a_replaced_key_are_refused_in_words_not_miscounted(settings):
    """Instructions that no longer open must never count as 'discretion' (a silent miscount):
    the declaration is refused naming the key, and the appointer's page says so."""
    members, meeting, resolution, starts = _meeting()
    services.appoint_proxy(
        meeting, members[5], instructions={"1": "against"}, now=starts - timedelta(days=2)
    )
    services.open_meeting(meeting, now=starts)
    services.check_in_many(meeting, members[0:3], mode="online")
    services.open_vote(resolution)
    settings.MUTUALISE_BALLOT_SEAL_KEY = "a key put in place mid-meeting, by mistake"
    client = Client()
    client.force_login(members[5].user)
    page = client.get(f"/o/coop/meetings/{meeting.pk}/")
    assert page.status_code == 200 and "Sealed under a key" in page.content.decode()
    with pytest.raises(services.MeetingError, match="MUTUALISE_BALLOT_SEAL_KEY"):
        services.declare_result(resolution)
    settings.MUTUALISE_BALLOT_SEAL_KEY = ""
    declared = services.declare_result(resolution)
    assert declared.votes_against == 1
