"""Issue 19, meetings: the member sees the proxy they appointed and can revoke it (the proxy is
told); a motion with the same text as one already submitted for the meeting is refused; the
notice can be previewed (marked as a draft) before it is published."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.mail.models import Message
from mutualise.meetings import pdf, services
from mutualise.meetings.services import MeetingError

pytestmark = pytest.mark.django_db


@pytest.fixture
def mutual():
    org = found("community-mutual", slug="mutual")
    users = [get_user_model().objects.create_user(n) for n in ("ann", "ben")]
    members = make_members(org, 6, users=users)
    meeting = services.create_meeting(
        org, kind="general", title="Spring", starts_at=timezone.now() + timedelta(days=40)
    )
    services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    return org, users, members, meeting


def test_a_member_sees_and_revokes_their_proxy_and_the_proxy_is_told(mutual):
    org, users, members, meeting = mutual
    client = Client()
    client.force_login(users[0])
    page = f"/o/mutual/meetings/{meeting.pk}/"
    services.call_meeting(meeting, now=timezone.now())
    appointment = services.appoint_proxy(meeting, members[0], proxy_member=members[3],
                                         instructions={"1": "for"}, actor=users[0])  # fmt: skip
    body = client.get(page).content.decode()
    assert "Your proxy" in body and "Resolution 1: for" in body
    # The proxy by membership number: looking numbers up must not reveal members' names.
    assert f"member {members[3].number}" in body and members[3].display_name not in body
    assert "Revoke my proxy" in body
    other = Client()
    other.force_login(users[1])
    assert other.post(page + "proxy/revoke", {"proxy": appointment.pk}).status_code == 404
    done = client.post(page + "proxy/revoke", {"proxy": appointment.pk})
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert appointment.revoked_at is not None
    assert not services.live_proxies(meeting).exists()
    told = Message.objects.get(reason="proxy-revoked")
    assert told.to == members[3].email
    assert AuditEvent.objects.filter(action="proxy.revoked").count() == 1
    assert "Revoke my proxy" not in client.get(page).content.decode()
    with pytest.raises(MeetingError, match="revoked or replaced already"):
        services.revoke_proxy(appointment, actor=users[0])


def test_a_proxy_is_not_revoked_once_the_meeting_opens(mutual):
    org, users, members, meeting = mutual
    starts = meeting.starts_at
    services.call_meeting(meeting, now=starts - timedelta(days=30))
    appointment = services.appoint_proxy(meeting, members[0], proxy_member=members[3],
                                         now=starts - timedelta(days=3))  # fmt: skip
    services.open_meeting(meeting, now=starts)
    with pytest.raises(MeetingError, match="before the meeting opens"):
        services.revoke_proxy(appointment, actor=users[0])


def test_the_same_motion_twice_is_refused(mutual):
    org, users, members, meeting = mutual
    services.submit_motion(meeting, members[0], title="Trees", text="That we plant trees.",
                           kind_id="ordinary")  # fmt: skip
    with pytest.raises(MeetingError, match="same text is already submitted .*‘Trees’"):
        services.submit_motion(meeting, members[1], title="Also trees",
                               text="  that we plant   TREES", kind_id="ordinary")  # fmt: skip
    other = services.create_meeting(
        org, kind="general", title="Autumn", starts_at=timezone.now() + timedelta(days=90)
    )
    services.submit_motion(other, members[1], title="Trees", text="That we plant trees.",
                           kind_id="ordinary")  # fmt: skip


def test_the_notice_preview_is_marked_as_a_draft(mutual):
    org, users, members, meeting = mutual
    assert pdf.notice_lines(meeting)[0][1].startswith("DRAFT FOR CHECKING")
    services.call_meeting(meeting, now=timezone.now())
    assert not pdf.notice_lines(meeting)[0][1].startswith("DRAFT")
