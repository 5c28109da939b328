"""Keying paper poll cards from the chair's console: each card is the member's vote on the paper
channel, refused for a member who is not checked in or has voted already, and counted in the
declaration with every other ballot."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.meetings import services
from mutualise.meetings.models import Ballot, VoteRecord
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def _setup(method="poll"):
    org = found("co-operative-society", slug="coop")
    member_user = get_user_model().objects.create_user("member")
    members = make_members(org, 12, users=[member_user])  # quorum: 3
    chair = get_user_model().objects.create_user("chair")
    register.grant_role(org, chair, "chair")
    starts = timezone.now() + timedelta(minutes=5)
    meeting = services.create_meeting(
        org, kind="general", title="Autumn meeting", starts_at=starts, place="Hall"
    )
    resolution = services.add_resolution(
        meeting, title="Solar roof", text="Panels.", kind_id="ordinary", method=method
    )
    services.call_meeting(meeting, now=starts - timedelta(days=30))
    services.open_meeting(meeting, now=starts)
    services.check_in_many(meeting, members[:5])
    client = Client()
    client.force_login(chair)
    return org, members, meeting, resolution, client, member_user


def _url(meeting, number=1):
    return f"/o/coop/meetings/{meeting.pk}/resolutions/{number}/paper/"


def test_the_chair_keys_paper_cards_and_they_are_counted():
    org, members, meeting, resolution, client, _ = _setup()
    console = client.get(f"/o/coop/meetings/{meeting.pk}/console/").content.decode()
    assert "Key paper poll cards" not in console  # the vote is not open yet
    assert "Poll cards are keyed while voting" in client.get(_url(meeting)).content.decode()
    services.open_vote(resolution)
    console = client.get(f"/o/coop/meetings/{meeting.pk}/console/").content.decode()
    assert _url(meeting) in console

    for member, choice in zip(members[:4], ["for", "for", "against", "abstain"], strict=True):
        response = client.post(_url(meeting), {"number": member.number, "choice": choice})
        assert response.status_code == 302
    page = client.get(_url(meeting)).content.decode()
    assert "Receipt for the voter:" in page
    assert "4 members have voted, 4 on paper." in page
    assert set(VoteRecord.objects.values_list("channel", flat=True)) == {"paper"}
    assert not Ballot.objects.exists()  # sealed until at least K can be mixed together
    declared = services.declare_result(resolution)
    assert (declared.votes_for, declared.votes_against, declared.abstentions) == (2, 1, 1)
    assert set(Ballot.objects.values_list("member", flat=True)) == {None}  # a secret poll


def test_a_card_from_a_member_who_has_voted_or_is_not_present_is_refused():
    org, members, meeting, resolution, client, _ = _setup()
    services.open_vote(resolution)
    services.cast_vote(resolution, members[0], "for")  # online
    twice = client.post(_url(meeting), {"number": members[0].number, "choice": "against"})
    page = twice.content.decode()
    assert twice.status_code == 200 and "There is a problem" in page
    assert f'<a href="#number">Member {members[0].number} has already voted' in page
    absent = client.post(_url(meeting), {"number": members[8].number, "choice": "for"})
    assert "must be checked in to vote" in absent.content.decode()
    nobody = client.post(_url(meeting), {"number": 999, "choice": "for"})
    assert "There is no member number 999" in nobody.content.decode()
    assert VoteRecord.objects.filter(resolution=resolution).count() == 1
    declared = services.declare_result(resolution)
    assert (declared.votes_for, declared.votes_against, declared.abstentions) == (1, 0, 0)


def test_missing_fields_are_listed_in_an_error_summary():
    org, members, meeting, resolution, client, _ = _setup()
    services.open_vote(resolution)
    page = client.post(_url(meeting), {"number": "abc"}).content.decode()
    assert '<a href="#number">Enter the membership number as digits, like 123</a>' in page
    assert (
        '<a href="#choice">Choose the vote marked on the card: for, against or abstain</a>' in page
    )
    assert 'id="choice"' in page and "govuk-input--error" in page
    assert not VoteRecord.objects.exists()


def test_a_show_of_hands_takes_no_paper_cards():
    org, members, meeting, resolution, client, _ = _setup(method="hands")
    services.open_vote(resolution)
    assert "decided on a show of hands" in client.get(_url(meeting)).content.decode()
    response = client.post(_url(meeting), {"number": members[0].number, "choice": "for"})
    assert "show of hands" in response.content.decode()
    assert not VoteRecord.objects.exists()


def test_only_those_who_run_meetings_key_paper_cards():
    org, members, meeting, resolution, client, member_user = _setup()
    services.open_vote(resolution)
    member = Client()
    member.force_login(member_user)
    assert member.get(_url(meeting)).status_code == 403
    post = member.post(_url(meeting), {"number": members[1].number, "choice": "for"})
    assert post.status_code == 403
    assert Client().get(_url(meeting)).status_code == 403
    assert client.get(_url(meeting, number=7)).status_code == 404
    assert not VoteRecord.objects.exists()
