"""Minutes: drafting, approving, publishing."""

from __future__ import annotations

from django.db import transaction

from mutualise.audit import services as audit

from .. import facts
from ..lifecycle import MINUTES_TRANSITIONS, ResolutionState, check
from ..models import (
    Attendance,
    Meeting,
    Minutes,
    ProxyAppointment,
    Resolution,
)
from .agenda import agenda, kind_rules
from .common import MeetingError, _now, require

# --- minutes --------------------------------------------------------------------------------


def _figures(resolution: Resolution) -> str:
    if resolution.state != ResolutionState.DECLARED:
        return f"Resolution {resolution.number} ({resolution.title}): {resolution.get_state_display()}."
    lines = [
        f"Resolution {resolution.number}: {resolution.title} "
        f"({kind_rules(resolution).name}, {resolution.get_method_display().lower()}).",
        f"  Quorum when the vote opened: {resolution.quorum_present} present, "
        f"{resolution.quorum_required} needed.",
    ]
    if resolution.method == Resolution.Method.HANDS:
        lines.append(
            f"  Show of hands: {resolution.hands_for} for, {resolution.hands_against} against, "
            f"{resolution.hands_abstain} abstaining."
        )
    lines += [
        f"  Instructed proxies: {resolution.proxy_for} for, {resolution.proxy_against} against, "
        f"{resolution.proxy_abstain} abstaining.",
        f"  Total: {resolution.votes_for} for, {resolution.votes_against} against, "
        f"{resolution.abstentions} abstentions; {resolution.members_present} members present "
        f"or represented of {resolution.members_total}.",
    ]
    if resolution.casting_vote:
        lines.append(f"  The chair gave a casting vote {resolution.casting_vote}.")
    lines.append(f"  {resolution.result_reason}")
    return "\n".join(lines)


def minutes_text(meeting: Meeting) -> str:
    attendances = meeting.attendances.filter(checked_in_at__isnull=False)
    in_person = attendances.filter(mode=Attendance.Mode.IN_PERSON).count()
    online = attendances.filter(mode=Attendance.Mode.ONLINE).count()
    proxies = ProxyAppointment.objects.filter(meeting=meeting, revoked_at__isnull=True).count()
    quorum = facts.quorum(meeting)
    lines = [
        f"Minutes of the {meeting.get_kind_display().lower()} of {meeting.organisation.name}",
        f"held on {meeting.date:%-d %B %Y} at {meeting.place or 'online'}.",
        "",
        f"Attendance: {in_person} members in person, {online} online; {proxies} proxies lodged.",
        f"Quorum: {quorum.required} of {quorum.members_total} members needed.",
        f"Notice was given on {meeting.notice_given_on:%-d %B %Y}."
        if meeting.notice_given_on
        else "",
        "",
    ]
    lines += [_figures(r) for r in agenda(meeting)]
    return "\n".join(lines).strip() + "\n"


def draft_minutes(meeting: Meeting, *, actor=None, now=None) -> Minutes:
    """(Re)draft the minutes from the meeting's record (closing the meeting drafts them)."""
    require("meetings.keep_minutes", actor, meeting.organisation)
    return _draft(meeting, actor=actor, now=now)


def _draft(meeting: Meeting, *, actor, now) -> Minutes:
    with transaction.atomic():
        minutes, _ = Minutes.objects.update_or_create(
            meeting=meeting,
            defaults={
                "organisation": meeting.organisation,
                "text": minutes_text(meeting),
                "drafted_at": _now(now),
            },
        )
        audit.record(meeting.organisation, "minutes.drafted", actor=actor, subject=minutes)
    return minutes


def _locked_minutes(given: Minutes) -> Minutes:
    locking = Minutes.objects.select_for_update(of=("self",)).select_related("meeting")
    return locking.get(pk=given.pk)


def approve_minutes(given: Minutes, *, at_meeting: Meeting, actor=None, now=None) -> Minutes:
    """Minutes are approved at a later meeting, while it is in session and quorate."""
    require("meetings.run_meeting", actor, given.organisation)
    with transaction.atomic():
        minutes = _locked_minutes(given)
        at_meeting = Meeting.objects.select_for_update().get(pk=at_meeting.pk)
        allowed, reason = check(
            MINUTES_TRANSITIONS, facts.minutes_facts(minutes, at_meeting), "approve"
        )
        if not allowed:
            raise MeetingError(reason)
        minutes.state = Minutes.State.APPROVED
        minutes.approved_at_meeting = at_meeting
        minutes.approved_at = _now(now)
        minutes.save(update_fields=["state", "approved_at_meeting", "approved_at"])
        audit.record(
            minutes.organisation,
            "minutes.approved",
            actor=actor,
            subject=minutes,
            data={"at_meeting": at_meeting.pk},
        )
    given.refresh_from_db()
    return given


def publish_minutes(given: Minutes, *, actor=None, now=None) -> Minutes:
    require("meetings.run_meeting", actor, given.organisation)
    with transaction.atomic():
        minutes = _locked_minutes(given)
        allowed, reason = check(MINUTES_TRANSITIONS, facts.minutes_facts(minutes), "publish")
        if not allowed:
            raise MeetingError(reason)
        minutes.state = Minutes.State.PUBLISHED
        minutes.published_at = _now(now)
        minutes.save(update_fields=["state", "published_at"])
        audit.record(minutes.organisation, "minutes.published", actor=actor, subject=minutes)
    given.refresh_from_db()
    return given
