"""Issue 19 (chair): members attending remotely take part in a show of hands online, one hand
each, counted with the hall's hands when the chair declares the result."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.meetings import services
from mutualise.meetings.models import OnlineHand
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def _open_vote(slug="hands"):
    org = found("co-operative-society", slug=slug)
    chair = get_user_model().objects.create_user(f"chair-{slug}")
    register.grant_role(org, chair, "chair", actor="test")
    users = [get_user_model().objects.create_user(f"{slug}-m{i}") for i in range(3)]
    members = make_members(org, 12, users=users)
    starts = timezone.now() - timedelta(minutes=5)
    meeting = services.create_meeting(
        org, kind="general", title="Now", starts_at=starts, online=True,
        remote_url="https://meet.example.org/now",
    )  # fmt: skip
    resolution = services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    services.call_meeting(meeting, now=starts - timedelta(days=30))
    services.open_meeting(meeting, now=starts)
    services.check_in_many(meeting, members[3:])  # nine in the hall
    for member, user in zip(members[:2], users[:2], strict=True):
        services.check_in(meeting, member, mode="online", actor=user)
    services.open_vote(resolution, actor=chair)
    return org, meeting, resolution, members, users, chair


def test_a_remote_member_raises_one_hand_and_the_chair_counts_it_with_the_hall():
    org, meeting, resolution, members, users, chair = _open_vote()
    services.raise_hand_online(resolution, members[0], "for", actor=users[0])
    with pytest.raises(services.MeetingError, match="already raised"):
        services.raise_hand_online(resolution, members[0], "against", actor=users[0])
    with pytest.raises(services.NotPermitted, match="themselves"):
        services.raise_hand_online(resolution, members[1], "for", actor=users[0])
    with pytest.raises(services.MeetingError, match="online"):  # in the hall, not online
        services.raise_hand_online(resolution, members[2], "for", actor=users[2])
    services.raise_hand_online(resolution, members[1], "against", actor=users[1])
    assert services.online_hands(resolution) == {"for": 1, "against": 1, "abstain": 0}
    assert AuditEvent.objects.filter(action="resolution.hand_raised_online").count() == 2
    with pytest.raises(services.MeetingError, match="online"):  # 10 + 2 > 11 present
        services.declare_result(resolution, hands=(5, 3, 2), actor=chair)
    declared = services.declare_result(resolution, hands=(5, 3, 1), actor=chair)
    assert (declared.votes_for, declared.votes_against, declared.abstentions) == (6, 4, 1)
    assert (declared.hands_for, declared.hands_against) == (5, 3)  # the hall's own


def test_the_member_page_offers_the_hand_once_and_the_console_shows_the_online_count():
    org, meeting, resolution, members, users, chair = _open_vote("hands2")
    member = Client()
    member.force_login(users[0])
    page = member.get(f"/o/{org.slug}/meetings/{meeting.pk}/").content.decode()
    assert "Raise my hand on resolution 1" in page and "https://meet.example.org/now" in page
    url = f"/o/{org.slug}/meetings/{meeting.pk}/resolutions/1/hand"
    empty = member.post(url, {}, follow=True).content.decode()
    assert "choose for, against or abstain" in empty
    member.post(url, {"r1-choice": "for"})
    again = member.get(f"/o/{org.slug}/meetings/{meeting.pk}/").content.decode()
    assert "Raise my hand" not in again and "Your hand is raised: for" in again
    assert OnlineHand.objects.filter(resolution=resolution).count() == 1
    in_hall = Client()
    in_hall.force_login(users[2])
    hall_page = in_hall.get(f"/o/{org.slug}/meetings/{meeting.pk}/").content.decode()
    assert "Raise my hand" not in hall_page
    console = Client()
    console.force_login(chair)
    text = console.get(f"/o/{org.slug}/meetings/{meeting.pk}/console/").content.decode()
    assert "Hands raised online by members attending remotely: 1 for, 0 against" in text
