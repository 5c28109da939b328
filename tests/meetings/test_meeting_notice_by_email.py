"""A meeting's notice by email through the worker and a real SMTP server: one message per
member who takes email, the notice attached (one stored copy), letters for the rest."""

from datetime import timedelta

import pytest
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.jobs.worker import run_queued
from mutualise.mail.models import Attachment, Message, MessageAttachment
from mutualise.meetings import services
from mutualise.register.models import Member

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_notice_goes_to_each_member_who_takes_email(smtp_server):
    org = found("co-operative-society", slug="coop")
    members = make_members(org, 6)  # every other member takes email
    Member.objects.filter(pk=members[5].pk).update(email="not an address")
    starts = timezone.now() + timedelta(days=20)
    meeting = services.create_meeting(org, kind="general", title="Autumn meeting",
                                      starts_at=starts, online=True)  # fmt: skip
    services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary",
                            method="poll")  # fmt: skip
    services.call_meeting(meeting, now=starts - timedelta(days=19))
    sent = services.send_notice(meeting, meeting_url="https://members.example/m/1/")
    assert (sent.emailed, sent.letters) == (2, 4)  # the unusable address gets a letter
    assert Message.objects.filter(reason="meeting-notice").count() == 2
    assert Attachment.objects.count() == 1  # one copy of the PDF for every message
    links = MessageAttachment.objects.values_list("organisation", flat=True)
    assert list(links) == [org.pk, org.pk]  # each message's link carries its organisation

    run_queued()
    received = sorted(smtp_server.handler.received, key=lambda r: r.rcpt_tos[0])
    assert [r.rcpt_tos[0] for r in received] == ["member2@example.org", "member4@example.org"]
    message = received[0].message
    assert message["Subject"] == f"Notice of Autumn meeting, {meeting.date:%-d %B %Y}"
    text = received[0].part("plain")
    assert "Dear Member 2," in text and "AGENDA AND RESOLUTIONS" in text
    assert "1. Paint (" in text and "https://members.example/m/1/" in text
    assert "<h2>Agenda and resolutions</h2>" in received[0].part("html")
    (pdf,) = [part for part in message.iter_attachments()]
    assert pdf.get_filename() == f"notice-{meeting.pk}.pdf"
    assert pdf.get_content().startswith(b"%PDF")
