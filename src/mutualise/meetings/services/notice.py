"""Sending a meeting's notice."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.mail import services as mail
from mutualise.register import services as register

from ..lifecycle import MeetingState
from ..models import Meeting
from .common import MeetingError, require

# --- sending the notice ---------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeSent:
    emailed: int
    letters: int
    letters_pdf: bytes


_TAKES_EMAIL = Q(contact_channel="email") & ~Q(email="")


@dataclass(frozen=True)
class NoticeRecord:
    """When the notice was sent and to how many, from its audit event."""

    at: object  # an aware datetime
    emailed: int
    letters: int


def notice_sent(meeting: Meeting) -> NoticeRecord | None:
    """The sending of this meeting's notice, or None if it has not been sent."""
    event = audit.latest_event(meeting.organisation, meeting, "meeting.notice_sent")
    if event is None:
        return None
    return NoticeRecord(
        event.occurred_at, event.data.get("emailed", 0), event.data.get("letters", 0)
    )


def require_unsent(meeting: Meeting) -> None:
    """Refuse, saying when and to how many, if the notice has been sent: members get it once."""
    sent = notice_sent(meeting)
    if sent is None:
        return
    at = timezone.localtime(sent.at)
    raise MeetingError(
        f"the notice of {meeting.title} was sent on {at:%-d %B %Y} at {at:%H:%M} "
        f"({sent.emailed} emailed, {sent.letters} letter{'s' if sent.letters != 1 else ''} to "
        "post): it is sent once, so no member is sent it twice"
    )


def members_by_post(meeting: Meeting) -> list:
    """Members sent the notice by post: those who chose post, or gave no email address."""
    on = meeting.notice_given_on or register.today()
    members = register.active_members(meeting.organisation, on=on).exclude(_TAKES_EMAIL)
    return list(members.order_by("postcode", "number"))


def members_by_email(meeting: Meeting) -> int:
    """How many members are emailed the notice: those who take email."""
    on = meeting.notice_given_on or register.today()
    return register.active_members(meeting.organisation, on=on).filter(_TAKES_EMAIL).count()


def send_notice(
    meeting: Meeting, *, actor=None, meeting_url: str = "", progress=None
) -> NoticeSent:
    """Email the notice (PDF attached) to members who take email, and make one post-ready PDF
    of letters for the rest. The meeting must have been called (notice given). The messages
    are recorded in the outbox with the audit event, in one transaction, and the worker sends
    them (mutualise.mail): one copy of the PDF however many members it goes to. `progress(n, of)`,
    if given, hears how many are recorded (the worker's job: meetings/tasks.py)."""
    # why: fpdf2 is heavy (0.6 s): loaded for a PDF only
    from .. import pdf

    require("meetings.call_meeting", actor, meeting.organisation)
    if meeting.state == MeetingState.DRAFT or meeting.notice_given_on is None:
        raise MeetingError("call the meeting (give notice) before sending the notice")
    require_unsent(meeting)  # before the PDFs are made; again under the lock
    members = register.active_members(meeting.organisation, on=meeting.notice_given_on)
    by_email, unusable = [], []
    for member in members.filter(_TAKES_EMAIL).order_by("number"):
        try:
            mail.check_address(member.email)
        except mail.MailError:  # an address that cannot be used: the member gets a letter
            unusable.append(member)
        else:
            by_email.append(member)
    by_post = members_by_post(meeting) + unusable
    lines = pdf.notice_lines(meeting)
    letters = pdf.letters_pdf(meeting, by_post)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one sending at once
        require_unsent(meeting)
        attached = mail.attachment(
            meeting.organisation, f"notice-{meeting.pk}.pdf", pdf.notice_pdf(meeting),
            "application/pdf",
        )  # fmt: skip
        for done, member in enumerate(by_email, 1):
            if progress is not None:
                progress(done, len(by_email))
            mail.send(
                organisation=meeting.organisation,
                to=member.email,
                template="meetings/notice",
                context={"name": member.display_name, "meeting": meeting, "lines": lines,
                         "meeting_url": meeting_url},
                reason="meeting-notice",
                attachments=[attached],
            )  # fmt: skip
        audit.record(
            meeting.organisation,
            "meeting.notice_sent",
            actor=actor,
            subject=meeting,
            data={"emailed": len(by_email), "letters": len(by_post),
                  "unusable_addresses": len(unusable)},
        )  # fmt: skip
    return NoticeSent(len(by_email), len(by_post), letters)
