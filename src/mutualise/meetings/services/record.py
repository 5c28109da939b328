"""The minutes as a record the chair or secretary keeps: attendance, times, who chaired, what
was discussed on each item; then signed as a true record and published. Each verb locks the
minutes' row, checks who may act, and writes its audit event in one transaction."""

from __future__ import annotations

from datetime import time

from django.db import transaction

from mutualise.audit import services as audit

from .. import facts
from ..lifecycle import MINUTES_TRANSITIONS, check
from ..models import Attendance, Meeting, Minutes
from .agenda import agenda
from .common import MeetingError, _now, require
from .minutes import _draft, _figures, publish_minutes


def _may_keep(actor, organisation) -> None:
    require(
        "meetings.keep_minutes",
        actor,
        organisation,
        f"Only the chair or the membership secretary of {organisation.name} keeps the minutes.",
    )


def attendance_list(meeting: Meeting) -> str:
    """Who checked in (by name and how), and who left before the end: the minutes' first
    draft of the attendance."""
    rows = (
        meeting.attendances.filter(checked_in_at__isnull=False)
        .select_related("member")
        .order_by("member__display_name")
    )
    lines = []
    for row in rows:
        how = "online" if row.mode == Attendance.Mode.ONLINE else "in person"
        left = f", left at {row.left_at:%H:%M}" if row.left_at else ""
        lines.append(f"{row.member.display_name} ({how}{left})")
    return "\n".join(lines)


def record_text(minutes: Minutes) -> str:
    """The minutes as text: the header, the chair, the times, the attendance, and each item's
    discussion with its vote's figures."""
    meeting = minutes.meeting
    lines = [
        f"Minutes of the {meeting.get_kind_display().lower()} of {meeting.organisation.name}",
        f"held on {meeting.date:%-d %B %Y} at {meeting.place or 'online'}.",
    ]
    if minutes.chair_name:
        lines.append(f"Chair: {minutes.chair_name}.")
    if minutes.started_at or minutes.ended_at:
        began = f"began at {minutes.started_at:%H:%M}" if minutes.started_at else ""
        ended = f"ended at {minutes.ended_at:%H:%M}" if minutes.ended_at else ""
        lines.append("The meeting " + " and ".join(p for p in (began, ended) if p) + ".")
    if meeting.notice_given_on:
        lines.append(f"Notice was given on {meeting.notice_given_on:%-d %B %Y}.")
    lines += ["", "Present:", minutes.attendance.strip() or "(not recorded)", ""]
    for resolution in agenda(meeting):
        lines.append(_figures(resolution))
        said = (minutes.discussion or {}).get(str(resolution.number), "").strip()
        if said:
            lines.append(f"  Discussion: {said}")
        lines.append("")
    other = (minutes.discussion or {}).get("other", "").strip()
    if other:
        lines += ["Any other business:", other, ""]
    return "\n".join(lines).strip() + "\n"


def _locked(meeting: Meeting) -> Minutes:
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        if not meeting.has_closed:
            raise MeetingError("minutes are kept once the meeting has closed")
        _draft(meeting, actor=None, now=None)
        minutes = Minutes.objects.select_for_update().get(meeting=meeting)
    minutes.meeting = meeting
    return minutes


def edit_minutes(
    meeting: Meeting,
    *,
    actor,
    chair_name: str,
    started_at: time | None,
    ended_at: time | None,
    attendance: str,
    discussion: dict[str, str],
    now=None,
) -> Minutes:
    """Save the record. Refused once the minutes are signed: a signed record is not edited."""
    _may_keep(actor, meeting.organisation)
    if started_at and ended_at and ended_at < started_at:
        raise MeetingError("the meeting cannot end before it began")
    numbers = {str(r.number) for r in agenda(meeting)} | {"other"}
    unknown = sorted(set(discussion) - numbers)
    if unknown:
        raise MeetingError(f"there is no agenda item {', '.join(unknown)}")
    with transaction.atomic():
        minutes = _locked(meeting)
        allowed, reason = check(MINUTES_TRANSITIONS, facts.minutes_facts(minutes), "edit")
        if not allowed:
            raise MeetingError(reason)
        minutes.chair_name = chair_name.strip()[:200]
        minutes.started_at, minutes.ended_at = started_at, ended_at
        minutes.attendance = attendance.strip()
        minutes.discussion = {k: v.strip() for k, v in discussion.items() if v.strip()}
        minutes.edited_at = _now(now)
        minutes.text = record_text(minutes)
        minutes.save()
        audit.record(
            meeting.organisation,
            "minutes.edited",
            actor=actor,
            subject=minutes,
            data={"items": sorted(minutes.discussion)},
        )
    return minutes


def sign_minutes(meeting: Meeting, *, actor, now=None) -> Minutes:
    """The chair or secretary approves the minutes as a true record of the meeting."""
    _may_keep(actor, meeting.organisation)
    with transaction.atomic():
        minutes = _locked(meeting)
        allowed, reason = check(MINUTES_TRANSITIONS, facts.minutes_facts(minutes), "sign")
        if not allowed:
            raise MeetingError(reason)
        minutes.state = Minutes.State.APPROVED
        minutes.approved_at = _now(now)
        minutes.approved_by = audit.actor_name(actor)[:150]
        minutes.save(update_fields=["state", "approved_at", "approved_by"])
        audit.record(
            meeting.organisation,
            "minutes.approved",
            actor=actor,
            subject=minutes,
            data={"as_true_record": True},
        )
    return minutes


def publish_record(meeting: Meeting, *, actor, now=None) -> Minutes:
    """Publish approved minutes on the meeting's page (`publish_minutes`)."""
    _may_keep(actor, meeting.organisation)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise MeetingError("there are no minutes to publish")
    return publish_minutes(minutes, actor=actor, now=now)
