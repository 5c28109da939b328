"""The meeting page asks the services whether a member may vote or appoint or revoke a proxy
(`may_vote`, `may_appoint_proxy`, `may_revoke_proxy`, each (allowed, reason)), and the verbs
refuse with the same reasons: the page never re-derives them from state strings (issue 20)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.meetings import services
from mutualise.meetings.services import MeetingError
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


@pytest.fixture
def called():
    org = found("community-mutual", slug="coop")
    users = [get_user_model().objects.create_user(f"m{i}") for i in range(2)]
    members = make_members(org, 6, users=users)
    chair = get_user_model().objects.create_user("chair")
    register.grant_role(org, chair, "chair", actor="test")
    starts = timezone.now() + timedelta(days=3)
    meeting = services.create_meeting(
        org, kind="general", title="Autumn", starts_at=starts, place="Hall", online=True,
        actor="test",
    )  # fmt: skip
    poll = services.add_resolution(
        meeting, title="Roof", text="Panels.", kind_id="ordinary", method="poll",
        advance_voting=True, actor="test",
    )  # fmt: skip
    services.call_meeting(meeting, now=starts - timedelta(days=30), actor="test")
    return org, members, meeting, poll, starts


def test_a_member_may_vote_in_advance_until_the_meeting_begins(called):
    org, members, meeting, poll, starts = called
    before = starts - timedelta(hours=1)
    assert services.may_vote(poll, members[0], present=False, voted=False, now=before) == (
        True,
        "",
    )
    assert services.may_vote(poll, members[0], present=False, voted=True, now=before)[0] is False
    assert services.may_vote(poll, None, present=False, voted=False, now=before)[0] is False
    allowed, reason = services.may_vote(poll, members[0], present=False, voted=False, now=starts)
    assert not allowed and reason == "advance voting closes when the meeting begins"
    with pytest.raises(MeetingError, match=reason):
        services.cast_vote(
            poll, members[0], "for", channel="advance", actor=members[0].user, now=starts
        )


def test_the_page_offers_the_vote_and_the_proxy_the_services_allow(called):
    org, members, meeting, poll, starts = called
    client = Client()
    client.force_login(members[0].user)
    page = client.get(f"/o/coop/meetings/{meeting.pk}/")
    assert page.status_code == 200
    (item,) = page.context["items"]
    assert item["can_vote"] is True
    assert page.context["proxy_open"] is services.may_appoint_proxy(meeting)[0]


def test_a_proxy_is_refused_for_the_reason_the_page_is_given(called):
    org, members, meeting, poll, starts = called
    assert org.constitution.meetings.proxies.allowed
    assert services.may_appoint_proxy(meeting, now=starts - timedelta(hours=1)) == (True, "")
    assert services.may_revoke_proxy(meeting) == (True, "")
    meeting.state = "in-session"  # the guards read the meeting they are given
    assert services.may_appoint_proxy(meeting, now=starts)[1] == (
        "proxies are appointed before the meeting opens"
    )
    assert services.may_revoke_proxy(meeting)[1] == "a proxy is revoked before the meeting opens"
