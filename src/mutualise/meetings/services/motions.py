"""Members' motions."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from mutualise.audit import services as audit
from mutualise.register import services as register

from .. import facts
from ..lifecycle import MOTION_TRANSITIONS, MeetingState, check
from ..models import (
    Meeting,
    Motion,
    MotionSupporter,
    Resolution,
)
from .agenda import add_resolution
from .common import MeetingError, _now, _require_member, _today, require, require_self

# --- members' motions -----------------------------------------------------------------------


def word_count(text: str) -> int:
    return len(text.split())


def submit_motion(
    meeting: Meeting,
    proposer,
    *,
    title: str,
    text: str,
    kind_id: str,
    statement: str = "",
    actor=None,
    now=None,
) -> Motion:
    require_self(actor, proposer, meeting.organisation, what="propose their motion")
    if meeting.state != MeetingState.DRAFT:
        raise MeetingError("motions are taken before notice of the meeting is given")
    _require_member(meeting.organisation, proposer, _today(now))
    try:
        meeting.organisation.constitution.resolution(kind_id)
    except KeyError as exc:
        raise MeetingError(str(exc).strip("\"'")) from None
    limit = meeting.organisation.constitution.meetings.member_resolution_statement_words
    if limit is not None and word_count(statement) > limit:
        raise MeetingError(
            f"statement: {word_count(statement)} words; the rules allow at most {limit}"
        )
    with transaction.atomic():
        # The meeting's row locked: two submissions of the same text cannot both pass the check.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        same = _same_text(meeting, text)
        if same is not None:
            raise MeetingError(
                f"text: a motion with the same text is already submitted for this meeting "
                f"(‘{same.title}’); support it instead"
            )
        motion = Motion.objects.create(
            organisation=meeting.organisation,
            meeting=meeting,
            proposer=proposer,
            title=title,
            text=text,
            statement=statement,
            kind_id=kind_id,
            submitted_at=_now(now),
        )
        audit.record(
            meeting.organisation,
            "motion.submitted",
            actor=actor,
            subject=motion,
            data={"proposer": proposer.number, "title": title},
        )
    return motion


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(".")


def _same_text(meeting: Meeting, text: str) -> Motion | None:
    """A motion already submitted for this meeting whose text is the same as `text`, ignoring
    case, spacing and a closing full stop."""
    wanted = _normal(text)
    for motion in Motion.objects.filter(meeting=meeting).exclude(state=Motion.State.REJECTED):
        if _normal(motion.text) == wanted:
            return motion
    return None


def support_motion(motion: Motion, member, *, actor=None, on: date | None = None):
    require_self(actor, member, motion.organisation, what="support a motion")
    if motion.meeting.state != MeetingState.DRAFT:
        raise MeetingError("motions are supported before notice of the meeting is given")
    _require_member(motion.organisation, member, on or register.today())
    if member.pk == motion.proposer_id:
        raise MeetingError("the proposer cannot also be a supporter")
    try:
        with transaction.atomic():
            MotionSupporter.objects.create(
                organisation_id=motion.organisation_id, motion=motion, member=member
            )
            audit.record(
                motion.organisation,
                "motion.supported",
                actor=actor,
                subject=motion,
                data={"member": member.number},
            )
    except IntegrityError:
        raise MeetingError(f"member {member.number} already supports this motion") from None


def accept_motion(given: Motion, *, actor=None) -> Resolution:
    """Put a members' motion on the agenda as a resolution, once it has the supporters the
    meeting needs. A motion is accepted once."""
    require("meetings.accept_motion", actor, given.organisation)
    with transaction.atomic():
        motion = Motion.objects.select_for_update().select_related("meeting").get(pk=given.pk)
        known = facts.motion_facts(motion)
        allowed, reason = check(MOTION_TRANSITIONS, known, "accept")
        if not allowed:
            raise MeetingError(reason)
        have = known.supporters
        resolution = add_resolution(
            motion.meeting,
            title=motion.title,
            text=motion.text,
            kind_id=motion.kind_id,
            proposed_by=f"member {motion.proposer.number}",
            actor=actor,
        )
        motion.state = Motion.State.ACCEPTED
        motion.resolution = resolution
        motion.save(update_fields=["state", "resolution"])
        audit.record(
            motion.organisation,
            "motion.accepted",
            actor=actor,
            subject=motion,
            data={"resolution": resolution.number, "supporters": have},
        )
    given.refresh_from_db()
    return resolution
