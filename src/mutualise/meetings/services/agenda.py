"""Creating a meeting and its agenda: resolutions and papers."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.constitution import RulebookError, load_text
from mutualise.constitution.schema import ResolutionKind

from .. import facts
from ..lifecycle import MeetingState
from ..models import (
    Meeting,
    Paper,
    Resolution,
)
from .common import MeetingError, _now, require


def agenda(meeting: Meeting) -> list[Resolution]:
    """The meeting's resolutions in order, sharing the meeting's organisation object so that its
    rulebook is parsed once, not once per resolution."""
    resolutions = list(meeting.resolutions.order_by("number"))
    for resolution in resolutions:
        resolution.meeting = meeting
        resolution.organisation = meeting.organisation
    return resolutions


def kind_rules(resolution: Resolution) -> ResolutionKind:
    """The rulebook's rule for this vote: its kind, or its kind's confirmation rule when it
    is the confirming vote at a second meeting."""
    constitution = resolution.organisation.constitution
    kind = constitution.resolution(resolution.kind_id)
    if resolution.confirms_id:
        rule = kind.confirmation
        return ResolutionKind(
            id=kind.id,
            name=f"Confirmation of {kind.name}",
            threshold=rule.threshold,
            base=rule.base,
        )
    return kind


# --- meetings and their agenda --------------------------------------------------------------


def create_meeting(
    organisation,
    *,
    kind: str,
    title: str,
    starts_at: datetime,
    place: str = "",
    online: bool = False,
    financial_year: int | None = None,
    motion_supporters_required: int = 0,
    remote_url: str = "",
    takes_motions: bool = False,
    actor=None,
) -> Meeting:
    require("meetings.call_meeting", actor, organisation)
    provided = facts.meeting_kinds(organisation.constitution)
    if kind not in provided:
        raise MeetingError(
            f"the rules of {organisation} provide for no {kind} meeting; they provide for "
            f"{', '.join(provided)}"
        )
    if timezone.is_naive(starts_at):
        raise MeetingError("starts_at must be an aware datetime (Europe/London)")
    if organisation.constitution.meeting_kind(kind).annual and financial_year is None:
        raise MeetingError("an annual meeting needs the financial_year it reports on")
    if remote_url:
        try:
            URLValidator(schemes=["https"])(remote_url)
        except ValidationError:
            raise MeetingError(f"{remote_url!r} is not an https address") from None
    with transaction.atomic():
        meeting = Meeting.objects.create(
            organisation=organisation,
            kind=kind,
            title=title,
            starts_at=starts_at,
            place=place,
            online=online,
            financial_year=financial_year,
            motion_supporters_required=motion_supporters_required,
            remote_url=remote_url,
            takes_motions=takes_motions,
        )
        audit.record(
            organisation,
            "meeting.created",
            actor=actor,
            subject=meeting,
            data={"kind": kind, "title": title, "starts_at": starts_at.isoformat()},
        )
    return meeting


def add_resolution(
    meeting: Meeting,
    *,
    title: str,
    text: str,
    kind_id: str,
    method: str = Resolution.Method.HANDS,
    secret: bool = True,
    advance_voting: bool = False,
    new_constitution_text: str = "",
    proposed_by: str = "",
    actor=None,
    confirms: Resolution | None = None,
) -> Resolution:
    """Put a resolution on the agenda. The agenda is fixed when notice is given."""
    require("meetings.call_meeting", actor, meeting.organisation)
    if meeting.state != MeetingState.DRAFT:
        raise MeetingError("resolutions are added before notice is given; this meeting is called")
    try:
        meeting.organisation.constitution.resolution(kind_id)
    except KeyError as exc:
        raise MeetingError(str(exc).strip("\"'")) from None
    if advance_voting:
        method = Resolution.Method.POLL  # votes cast in advance are counted on a poll
    if new_constitution_text:
        try:
            load_text(new_constitution_text, f"amended rules in '{title}'")
        except RulebookError as exc:
            raise MeetingError(f"the amended rules have problems:\n{exc}") from None
    with transaction.atomic():
        number = meeting.resolutions.count() + 1
        resolution = Resolution.objects.create(
            organisation=meeting.organisation,
            meeting=meeting,
            number=number,
            title=title,
            text=text,
            kind_id=kind_id,
            method=method,
            secret=secret,
            advance_voting=advance_voting,
            effect=Resolution.Effect.ADOPT_CONSTITUTION if new_constitution_text else "",
            new_constitution_text=new_constitution_text,
            proposed_by=proposed_by,
            confirms=confirms,
        )
        audit.record(
            meeting.organisation,
            "resolution.added",
            actor=actor,
            subject=resolution,
            data={"meeting": meeting.pk, "number": number, "kind": kind_id, "title": title},
        )
    return resolution


def add_paper(meeting: Meeting, *, title: str, url: str, actor=None, now=None) -> Paper:
    """Publish a paper with the meeting (a link to the annual report, the accounts, ...)."""
    require("meetings.call_meeting", actor, meeting.organisation)
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise MeetingError(f"paper '{title}': {url!r} is not an https address") from None
    with transaction.atomic():
        paper = Paper.objects.create(
            organisation=meeting.organisation,
            meeting=meeting,
            title=title,
            url=url,
            added_at=_now(now),
        )
        audit.record(
            meeting.organisation,
            "meeting.paper_added",
            actor=actor,
            subject=meeting,
            data={"title": title, "url": url},
        )
    return paper
