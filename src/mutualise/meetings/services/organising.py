"""Calling a general meeting from the browser: plan it, put its resolutions on the agenda, see
the earliest lawful date, publish the notice. Each verb checks who may act (rules.py), then
runs the meeting verb it stands on in one transaction with its audit event."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from .. import facts
from ..models import Meeting, Resolution
from .agenda import add_resolution, create_meeting
from .common import NotPermitted, require
from .notice import NoticeSent, send_notice
from .states import call_meeting

__all__ = ["NotPermitted", "earliest_lawful_date", "plan_meeting", "propose_resolution",
           "publish_notice"]  # fmt: skip


def _may_call(actor, organisation) -> None:
    require(
        "meetings.call_meeting",
        actor,
        organisation,
        f"Only the chair, the board or the membership secretary of {organisation.name} can "
        "call a general meeting.",
    )


def earliest_lawful_date(organisation, kind: str, notice_on: date) -> date:
    """The first day a meeting of this kind may be held when notice is given on `notice_on`:
    the rulebook's clear days' notice for the kind (`meetings.kinds`), with neither the day of
    notice nor the day of the meeting counted."""
    days = organisation.constitution.notice_clear_days(kind)
    return facts.earliest_meeting_date(notice_on, days)


def plan_meeting(organisation, *, actor, **details) -> Meeting:
    """A new general meeting, a draft until its notice is published (`create_meeting`)."""
    _may_call(actor, organisation)
    return create_meeting(organisation, actor=actor, **details)


def propose_resolution(meeting: Meeting, *, actor, **details) -> Resolution:
    """A resolution of one of the rulebook's kinds on a draft meeting's agenda."""
    _may_call(actor, meeting.organisation)
    return add_resolution(meeting, actor=actor, **details)


def publish_notice(meeting: Meeting, *, actor, meeting_url: str = "", now=None) -> NoticeSent:
    """Give notice (refused, saying the earliest lawful date, when too little is left) and send
    it: mailed to members who take email through the outbox, letters for the rest. One
    transaction: notice is not recorded as given unless it is sent."""
    _may_call(actor, meeting.organisation)
    with transaction.atomic():
        call_meeting(meeting, actor=actor, now=now)
        return send_notice(meeting, actor=actor, meeting_url=meeting_url)
