"""Issue 10, part 1, for meetings: every way a vote comes in (online at the meeting, in
advance, a proxy's discretionary vote, a proxy's instruction, a paper card keyed at the chair's
console) goes through `ballot_parser`; what is stored is what it returns, and anything else is
refused with a clear message."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.meetings import services
from mutualise.meetings.ballot_parser import ChoiceInvalid, parse_choice, parse_instruction
from mutualise.meetings.models import Ballot, ProxyAppointment, SealedBallot, VoteRecord
from mutualise.meetings.services import MeetingError
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
BAD = ["maybe", "", "   ", "for against", "FOR" * 20, "yes", "1", "fo", "abstain!"]


@pytest.mark.parametrize("raw", [*BAD, None, 1, ["for"], {"c": "for"}, True])
def test_the_parser_refuses_anything_but_for_against_abstain(raw):
    with pytest.raises(ChoiceInvalid, match="choice: a vote is"):
        parse_choice(raw)


@pytest.mark.parametrize(
    ("raw", "read"), [("for", "for"), (" Against ", "against"), ("ABSTAIN", "abstain")]
)
def test_the_parser_reads_a_choice_in_any_case(raw, read):
    assert parse_choice(raw) == read
    assert parse_instruction(raw, "r1") == read
    assert parse_instruction(" Discretion", "r1") == "discretion"


def _setup():
    org = found("community-mutual", slug="coop")
    users = [get_user_model().objects.create_user(f"m{i}") for i in range(3)]
    members = make_members(org, 12, users=users)
    chair = get_user_model().objects.create_user("chair")
    register.grant_role(org, chair, "chair")
    starts = timezone.now() + timedelta(minutes=5)
    meeting = services.create_meeting(
        org, kind="general", title="Autumn meeting", starts_at=starts, place="Hall", online=True
    )
    resolution = services.add_resolution(
        meeting, title="Solar roof", text="Panels.", kind_id="ordinary", method="poll",
        advance_voting=True,
    )  # fmt: skip
    services.call_meeting(meeting, now=starts - timedelta(days=30))
    return org, members, meeting, resolution, chair, starts


def _opened(model, resolution):
    return [model.objects.filter(resolution=resolution).count()]


def test_every_route_refuses_a_bad_choice_and_stores_what_the_parser_read():
    org, members, meeting, resolution, chair, starts = _setup()
    client = Client()
    vote = f"/o/coop/meetings/{meeting.pk}/resolutions/1/vote"
    json = {"HTTP_ACCEPT": "application/json"}
    # In advance, through the page.
    client.force_login(members[0].user)
    for raw in BAD:
        answer = client.post(vote, {"r1-choice": raw}, **json)
        assert answer.status_code == 409 and "for, against or abstain" in answer.json()["error"]
    assert client.post(vote, {"r1-choice": " For "}, **json).status_code == 200
    # A proxy's instruction, through the service the page calls.
    with pytest.raises(MeetingError, match="instructions: resolution 1: a proxy's instruction"):
        services.appoint_proxy(
            meeting, members[5], instructions={"1": "yes"}, now=starts - timedelta(days=2)
        )
    services.appoint_proxy(
        meeting, members[5], instructions={"1": " AGAINST"}, now=starts - timedelta(days=2)
    )
    assert ProxyAppointment.objects.get(appointer=members[5]).instructions == {"1": "against"}
    services.appoint_proxy(
        meeting, members[6], proxy_member=members[7], now=starts - timedelta(days=2)
    )
    services.open_meeting(meeting, now=starts)
    services.check_in_many(meeting, members[1:5] + [members[7]], mode="online")
    services.open_vote(resolution)
    # Online at the meeting.
    client.force_login(members[1].user)
    for raw in BAD:
        assert client.post(vote, {"r1-choice": raw}, **json).status_code == 409
    assert client.post(vote, {"r1-choice": "abstain"}, **json).status_code == 200
    # A discretionary proxy vote.
    with pytest.raises(MeetingError, match="choice: a vote is for, against or abstain"):
        services.cast_vote(resolution, members[6], "pass", channel="proxy", proxy_holder=members[7])
    services.cast_vote(resolution, members[6], "Against", channel="proxy", proxy_holder=members[7])
    # A paper card at the chair's console.
    client.force_login(chair)
    paper = f"/o/coop/meetings/{meeting.pk}/resolutions/1/paper/"
    page = client.post(paper, {"number": members[2].number, "choice": "maybe"}).content.decode()
    assert "There is a problem" in page and "not &#x27;maybe&#x27;" in page
    assert client.post(paper, {"number": members[2].number, "choice": "FOR"}).status_code == 302
    # Nothing refused was kept; what was kept is what the parser read.
    assert VoteRecord.objects.filter(resolution=resolution).count() == 4
    assert SealedBallot.objects.filter(resolution=resolution).count() == 4
    declared = services.declare_result(resolution)
    assert (declared.votes_for, declared.votes_against, declared.abstentions) == (2, 2, 1)
    assert sorted(Ballot.objects.values_list("choice", flat=True)) == [
        "abstain", "against", "against", "for", "for",
    ]  # fmt: skip
