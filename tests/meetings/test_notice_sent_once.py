"""Issue 19 (chair): once the notice is sent, the console says when and to how many instead of
offering "Email the notice" again, and the service refuses a second sending (by the console's
job or the command line), so no member is sent it twice."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.mail.models import Message
from mutualise.meetings import services, tasks
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def _called():
    org = found("co-operative-society", slug="coop")
    make_members(org, 6)  # every other member takes email: 3 emailed, 3 letters
    chair = get_user_model().objects.create_user("chair")
    register.grant_role(org, chair, "chair", actor="test")
    starts = timezone.now() + timedelta(days=20)
    meeting = services.create_meeting(org, kind="general", title="Autumn", starts_at=starts)
    services.call_meeting(meeting, now=starts - timedelta(days=19))
    client = Client()
    client.force_login(chair)
    return meeting, chair, client


def test_the_service_refuses_a_second_sending_saying_when_and_to_how_many():
    meeting, chair, _ = _called()
    services.send_notice(meeting, actor=chair)
    with pytest.raises(services.MeetingError) as refused:
        services.send_notice(meeting, actor=chair)
    said = str(refused.value)
    assert "was sent on" in said and "(3 emailed, 3 letters to post)" in said
    assert Message.objects.filter(reason="meeting-notice").count() == 3
    assert AuditEvent.objects.filter(action="meeting.notice_sent").count() == 1
    with pytest.raises(services.MeetingError, match="was sent on"):
        tasks.queue_notice(meeting, actor=chair)  # sent from the command line: no job to see


def test_the_console_shows_the_notice_was_sent_instead_of_offering_it_again():
    meeting, chair, client = _called()
    url = f"/o/coop/meetings/{meeting.pk}/console/"
    before = client.get(url).content.decode()
    assert "Email the notice to members" in before and 'id="notice-sent"' not in before
    sent = services.send_notice(meeting, actor=chair)
    after = client.get(url).content.decode()
    assert "Email the notice to members" not in after
    when = timezone.localtime(services.notice_sent(meeting).at)
    assert f"on {when:%-d %B %Y} at {when:%H:%M}" in after
    assert f"emailed to {sent.emailed} members, and {sent.letters} letters to post" in after
    posted = client.post(f"{url}action", {"action": "send_notice"}, follow=True)
    assert "was sent on" in posted.content.decode()
    assert Message.objects.filter(reason="meeting-notice").count() == sent.emailed
