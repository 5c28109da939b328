"""Changing a draft meeting before its notice is published: its kind, title, date, time, place
and how members attend, and the resolutions on its agenda. Members have been told nothing yet,
so the people who may call the meeting may change it; once notice is given, what members were
told is fixed and each change is refused, saying so."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.secrecy.sealing import SealBroken

from .. import facts
from ..lifecycle import MeetingState
from ..models import Meeting, ProxyAppointment, Resolution
from .common import MeetingError, require

MEETING_FIELDS = ("kind", "title", "starts_at", "place", "online", "remote_url", "financial_year",
                  "takes_motions")  # fmt: skip
RESOLUTION_FIELDS = ("title", "text", "kind_id", "method", "proposed_by")


def _refuse_unless_draft(meeting: Meeting, what: str) -> None:
    if meeting.state == MeetingState.DRAFT:
        return
    given = meeting.notice_given_on
    when = f" on {given:%-d %B %Y}" if given else ""
    raise MeetingError(
        f"{what} can no longer be changed: notice of {meeting.title} was published{when}, and "
        "members were told its date, place and agenda. To change them, cancel this meeting and "
        "call another with fresh notice."
    )


def _check_details(organisation, details: dict) -> None:
    """The same checks as creating a meeting (agenda.create_meeting)."""
    provided = facts.meeting_kinds(organisation.constitution)
    if details["kind"] not in provided:
        raise MeetingError(
            f"the rules of {organisation} provide for no {details['kind']} meeting; they provide "
            f"for {', '.join(provided)}"
        )
    starts_at: datetime = details["starts_at"]
    if timezone.is_naive(starts_at):
        raise MeetingError("starts_at must be an aware datetime (Europe/London)")
    annual = organisation.constitution.meeting_kind(details["kind"]).annual
    if annual and details.get("financial_year") is None:
        raise MeetingError("an annual meeting needs the financial_year it reports on")
    url = details.get("remote_url") or ""
    if url and not url.startswith("https://"):
        raise MeetingError(f"{url!r} is not an https address")


def _changes(obj, fields, details: dict) -> dict:
    changed = {}
    for field in fields:
        if field not in details:
            continue
        old, new = getattr(obj, field), details[field]
        if old != new:
            shown = [v.isoformat() if isinstance(v, datetime) else v for v in (old, new)]
            changed[field] = shown
    return changed


def change_draft_meeting(meeting: Meeting, *, actor, **details) -> Meeting:
    """Change a draft meeting's details (any of MEETING_FIELDS). One audit event lists each
    field changed, from and to; a change to nothing records nothing."""
    organisation = meeting.organisation
    require("meetings.call_meeting", actor, organisation)
    unknown = set(details) - set(MEETING_FIELDS)
    if unknown:
        raise MeetingError(f"a meeting has no detail called {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _refuse_unless_draft(locked, "The meeting's details")
        merged = {field: getattr(locked, field) for field in MEETING_FIELDS} | details
        _check_details(organisation, merged)
        changed = _changes(locked, MEETING_FIELDS, details)
        if changed:
            for field in changed:
                setattr(locked, field, details[field])
            locked.save(update_fields=list(changed))
            audit.record(organisation, "meeting.changed", actor=actor, subject=locked, data=changed)
    meeting.refresh_from_db()
    return meeting


def change_draft_resolution(resolution: Resolution, *, actor, **details) -> Resolution:
    """Change a resolution on a draft meeting's agenda (any of RESOLUTION_FIELDS), audited."""
    meeting = resolution.meeting
    organisation = meeting.organisation
    require("meetings.call_meeting", actor, organisation)
    unknown = set(details) - set(RESOLUTION_FIELDS)
    if unknown:
        raise MeetingError(f"a resolution has no detail called {', '.join(sorted(unknown))}")
    if "kind_id" in details:
        try:
            organisation.constitution.resolution(details["kind_id"])
        except KeyError as exc:
            raise MeetingError(str(exc).strip("\"'")) from None
    if "method" in details and details["method"] not in Resolution.Method.values:
        raise MeetingError(f"a resolution is voted on by {', '.join(Resolution.Method.values)}")
    if not str(details.get("title", resolution.title)).strip():
        raise MeetingError("a resolution needs a title")
    with transaction.atomic():
        locked_meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _refuse_unless_draft(locked_meeting, f"Resolution {resolution.number}")
        locked = Resolution.objects.select_for_update().get(pk=resolution.pk)
        if locked.advance_voting:
            details.pop("method", None)  # votes cast in advance are counted on a poll
        changed = _changes(locked, RESOLUTION_FIELDS, details)
        if changed:
            for field in changed:
                setattr(locked, field, details[field])
            locked.save(update_fields=list(changed))
            audit.record(
                organisation,
                "resolution.changed",
                actor=actor,
                subject=locked,
                data={"meeting": meeting.pk, "number": locked.number, **changed},
            )
    resolution.refresh_from_db()
    return resolution


def remove_draft_resolution(resolution: Resolution, *, actor) -> list[tuple[int, int]]:
    """Take a resolution off a draft meeting's agenda; the ones after it move up, so the agenda
    stays numbered 1, 2, 3... One transaction and one audit event (its title and each number
    moved, from and to); refused once notice is given, and for a members' motion the meeting
    accepted (its supporters asked for it to be put to the meeting). Returns the moves."""
    meeting = resolution.meeting
    organisation = meeting.organisation
    require("meetings.call_meeting", actor, organisation)
    with transaction.atomic():
        locked_meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        locked = Resolution.objects.select_for_update().get(pk=resolution.pk)
        _refuse_unless_draft(locked_meeting, f"The agenda, with resolution {locked.number},")
        motion = getattr(locked, "motion", None)
        if motion is not None:
            raise MeetingError(
                f"resolution {locked.number} is the members' motion {motion.title!r}, accepted "
                "with its supporters: it stays on the agenda"
            )
        later = list(
            Resolution.objects.select_for_update()
            .filter(meeting=locked_meeting, number__gt=locked.number)
            .order_by("number")
        )
        number, title = locked.number, locked.title
        locked.delete()
        moves = []
        for each in later:  # in order, so no two share a number at any moment
            moves.append((each.number, each.number - 1))
            each.number -= 1
            each.save(update_fields=["number"])
        _renumber_instructions(locked_meeting, number)
        audit.record(
            organisation,
            "resolution.removed",
            actor=actor,
            subject=locked_meeting,
            data={
                "meeting": meeting.pk,
                "number": number,
                "title": title,
                "renumbered": [list(m) for m in moves],
            },  # fmt: skip
        )
    return moves


def _renumber_instructions(meeting: Meeting, removed: int) -> None:
    """Proxies lodged on the draft keep their instructions by resolution number: each follows
    its own resolution as the later ones move up, and the removed one's goes with it. (Sealed,
    so rewritten through the model; revoked appointments too, so each stays as it was lodged.)"""
    for appointment in ProxyAppointment.objects.select_for_update().filter(meeting=meeting):
        try:
            was = appointment.instructions
        except SealBroken as exc:
            raise MeetingError(str(exc)) from None
        now = {}
        for key, choice in was.items():
            n = int(key)
            if n != removed:
                now[str(n - 1 if n > removed else n)] = choice
        if now != was:
            appointment.instructions = now
            appointment.save(update_fields=["instructions_sealed"])
