"""Who is present: checking in and leaving."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from mutualise.audit import services as audit
from mutualise.register import services as register

from .. import facts
from ..lifecycle import MeetingState
from ..models import (
    Attendance,
    Meeting,
)
from .common import MeetingError, _now, _require_member, require, require_self

# --- who may attend ------------------------------------------------------------------------


def may_attend(meeting: Meeting, user) -> tuple[bool, str]:
    """(allowed, reason): whether `user` (perhaps anonymous) may attend, and so be given the
    video call's address. An AGM closed to the public is for members and those running it."""
    organisation = meeting.organisation
    if not meeting.is_annual or facts.open_to_public(meeting):
        return True, ""
    if has_perm("meetings.vote", user, organisation) or has_perm(
        "meetings.run_meeting", user, organisation
    ):
        return True, ""
    return False, (
        f"{organisation.name}'s rules do not open the AGM to the public: "
        "it is for members and their proxies."
    )


# --- attendance -----------------------------------------------------------------------------


def check_in(
    meeting: Meeting, member, *, mode: str = Attendance.Mode.IN_PERSON, actor=None, now=None
):
    """Mark a member present (at the door, or joining online). Returns the live quorum.
    Refused for a member already present (someone else giving their number); a member who
    left may check in again. Members join online themselves; the door is the chair's."""
    if mode == Attendance.Mode.ONLINE:
        require_self(actor, member, meeting.organisation, what="join the meeting online",
                     or_permission="meetings.run_meeting")  # fmt: skip
    else:
        require("meetings.run_meeting", actor, meeting.organisation)
    if meeting.state not in (MeetingState.CALLED, MeetingState.IN_SESSION, MeetingState.ADJOURNED):
        raise MeetingError("members check in to a called meeting or one in session")
    _require_member(meeting.organisation, member, meeting.date)
    if mode == Attendance.Mode.ONLINE and not meeting.online:
        raise MeetingError("this meeting has no online attendance")
    with transaction.atomic():
        attendance, _ = Attendance.objects.get_or_create(
            meeting=meeting,
            member=member,
            defaults={
                "organisation": meeting.organisation,
                "mode": mode,
                "registered_at": _now(now),
            },
        )
        attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
        if attendance.checked_in_at is not None and attendance.left_at is None:
            since = timezone.localtime(attendance.checked_in_at)
            raise MeetingError(
                f"member {member.number} ({member.display_name}) is already checked in "
                f"({attendance.get_mode_display().lower()}, since {since:%H:%M}): a second "
                "check-in is refused"
            )
        attendance.mode = mode
        attendance.checked_in_at = _now(now)
        attendance.left_at = None
        attendance.save(update_fields=["mode", "checked_in_at", "left_at"])
        audit.record(
            meeting.organisation,
            "meeting.checked_in",
            actor=actor,
            subject=meeting,
            data={"member": member.number, "mode": mode},
        )
    return facts.quorum(meeting)


def check_in_many(
    meeting: Meeting, members, *, mode: str = Attendance.Mode.IN_PERSON, actor=None, now=None
):
    """Check in a batch (a door list or the online waiting room); one audit event."""
    require("meetings.run_meeting", actor, meeting.organisation)
    members = list(members)
    if meeting.state not in (MeetingState.CALLED, MeetingState.IN_SESSION, MeetingState.ADJOURNED):
        raise MeetingError("members check in to a called meeting or one in session")
    if mode == Attendance.Mode.ONLINE and not meeting.online:
        raise MeetingError("this meeting has no online attendance")
    entitled = set(
        register.active_members(meeting.organisation, on=meeting.date)
        .filter(pk__in=[m.pk for m in members])
        .values_list("pk", flat=True)
    )
    strangers = sorted(m.number for m in members if m.pk not in entitled)
    if strangers:
        shown = ", ".join(map(str, strangers[:10])) + (" ..." if len(strangers) > 10 else "")
        raise MeetingError(f"not members on {meeting.date:%-d %B %Y}: numbers {shown}")
    at = _now(now)
    with transaction.atomic():
        Attendance.objects.bulk_create(
            [
                Attendance(
                    organisation=meeting.organisation,
                    meeting=meeting,
                    member=member,
                    mode=mode,
                    registered_at=at,
                    checked_in_at=at,
                )
                for member in members
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["meeting", "member"],
            update_fields=["mode", "checked_in_at", "left_at"],
        )
        audit.record(
            meeting.organisation,
            "meeting.checked_in",
            actor=actor,
            subject=meeting,
            data={"members": [m.number for m in members], "mode": mode},
        )
    return facts.quorum(meeting)


def leave(meeting: Meeting, member, *, actor=None, now=None):
    require_self(actor, member, meeting.organisation, what="record leaving the meeting",
                 or_permission="meetings.run_meeting")  # fmt: skip
    with transaction.atomic():
        updated = Attendance.objects.filter(
            meeting=meeting, member=member, checked_in_at__isnull=False, left_at__isnull=True
        ).update(left_at=_now(now))
        if not updated:
            raise MeetingError(f"member {member.number} is not checked in")
        audit.record(
            meeting.organisation,
            "meeting.left",
            actor=actor,
            subject=meeting,
            data={"member": member.number},
        )
    return facts.quorum(meeting)


def is_present(meeting: Meeting, member) -> bool:
    return Attendance.objects.filter(
        meeting=meeting, member=member, checked_in_at__isnull=False, left_at__isnull=True
    ).exists()
