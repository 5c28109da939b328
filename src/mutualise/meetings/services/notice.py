"""Sending a meeting's notice."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from mutualise.audit import services as audit
from mutualise.register import services as register

from ..lifecycle import MeetingState
from ..models import Meeting
from .common import MeetingError

# --- sending the notice ---------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeSent:
    emailed: int
    letters: int
    letters_pdf: bytes


_TAKES_EMAIL = Q(contact_channel="email") & ~Q(email="")


def members_by_post(meeting: Meeting) -> list:
    """Members sent the notice by post: those who chose post, or gave no email address."""
    on = meeting.notice_given_on or register.today()
    members = register.active_members(meeting.organisation, on=on).exclude(_TAKES_EMAIL)
    return list(members.order_by("postcode", "number"))


def send_notice(meeting: Meeting, *, actor=None) -> NoticeSent:
    """Email the notice (PDF attached) to members who take email, and make one post-ready PDF
    of letters for the rest. The meeting must have been called (notice given)."""
    from django.core.mail import EmailMessage, get_connection

    from .. import pdf

    if meeting.state == MeetingState.DRAFT or meeting.notice_given_on is None:
        raise MeetingError("call the meeting (give notice) before sending the notice")
    members = register.active_members(meeting.organisation, on=meeting.notice_given_on)
    by_email = list(members.filter(_TAKES_EMAIL))
    by_post = members_by_post(meeting)
    attachment = pdf.notice_pdf(meeting)
    subject = f"Notice of {meeting.title}, {meeting.date:%-d %B %Y}"
    body = "\n\n".join(text for _, text in pdf.notice_lines(meeting))
    messages = []
    for member in by_email:
        message = EmailMessage(subject, body, to=[member.email])
        message.attach(f"notice-{meeting.pk}.pdf", attachment, "application/pdf")
        messages.append(message)
    with get_connection() as connection:
        connection.send_messages(messages)
    letters = pdf.letters_pdf(meeting, by_post)
    with transaction.atomic():
        audit.record(
            meeting.organisation,
            "meeting.notice_sent",
            actor=actor,
            subject=meeting,
            data={"emailed": len(by_email), "letters": len(by_post)},
        )
    return NoticeSent(len(by_email), len(by_post), letters)
