"""Members requisitioning a meeting."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from mutualise.audit import services as audit
from mutualise.constitution.meetings_rules import requisition_threshold
from mutualise.register import services as register

from .. import facts
from ..lifecycle import REQUISITION_TRANSITIONS, check
from ..models import (
    Meeting,
    Requisition,
    RequisitionSignature,
)
from .common import (
    MeetingError,
    NotPermitted,
    _require_member,
    is_self,
    may,
    require,
    require_self,
)

# --- requisition ----------------------------------------------------------------------------


def start_requisition(organisation, *, purpose: str, actor=None, on: date | None = None):
    require("meetings.requisition", actor, organisation)
    if organisation.constitution.meetings.requisition is None:
        raise MeetingError("the rules of this organisation give members no right to requisition")
    with transaction.atomic():
        requisition = Requisition.objects.create(
            organisation=organisation, purpose=purpose, started_on=on or register.today()
        )
        audit.record(organisation, "requisition.started", actor=actor, subject=requisition)
    return requisition


def _locked(given: Requisition) -> Requisition:
    return Requisition.objects.select_for_update().get(pk=given.pk)


def _check(requisition: Requisition, name: str, on: date) -> None:
    allowed, reason = check(REQUISITION_TRANSITIONS, facts.requisition_facts(requisition, on), name)
    if not allowed:
        raise MeetingError(reason)


def sign_requisition(given: Requisition, member, *, on: date | None = None, actor=None):
    require_self(actor, member, given.organisation, what="sign a requisition")
    on = on or register.today()
    with transaction.atomic():
        requisition = _locked(given)  # a submission waits for the signature, or goes first
        _check(requisition, "sign", on)
        _require_member(requisition.organisation, member, on)
        try:
            with transaction.atomic():
                signature = RequisitionSignature.objects.create(
                    organisation_id=requisition.organisation_id,
                    requisition=requisition,
                    member=member,
                    signed_on=on,
                )
        except IntegrityError:
            raise MeetingError(f"member {member.number} has already signed") from None
        audit.record(
            requisition.organisation,
            "requisition.signed",
            actor=actor,
            subject=requisition,
            data={"member": member.number},
        )
    return signature


def submit_requisition(given: Requisition, *, on: date | None = None, actor=None):
    """Count the signatures of those still members against the rulebook's threshold. A valid
    requisition starts the board's deadline to convene, and the meeting's."""
    require("meetings.run_meeting", actor, given.organisation)
    on = on or register.today()
    with transaction.atomic():
        requisition = _locked(given)
        _check(requisition, "sign", on)  # still collecting
        rules = requisition.organisation.constitution.meetings.requisition
        active = register.active_members(requisition.organisation, on=on)
        valid = requisition.signatures.filter(member__in=active).count()
        total = active.count()
        needed = requisition_threshold(rules, total)
        requisition.submitted_on = on
        requisition.members_at_submission = total
        requisition.signatures_needed = needed
        requisition.valid_signatures = valid
        if check(REQUISITION_TRANSITIONS, facts.requisition_facts(requisition, on), "count_valid")[
            0
        ]:
            requisition.state = Requisition.State.VALID
            if rules.board_convenes_within is not None:
                requisition.board_deadline = facts.add_period(on, rules.board_convenes_within)
            if rules.meeting_within is not None:
                requisition.meeting_deadline = facts.add_period(on, rules.meeting_within)
        else:
            requisition.state = Requisition.State.TOO_FEW
        requisition.save()
        audit.record(
            requisition.organisation,
            "requisition.submitted",
            actor=actor,
            subject=requisition,
            data={"valid": valid, "needed": needed, "members": total, "state": requisition.state},
        )
    given.refresh_from_db()
    return given


def convene_requisitioned_meeting(
    given: Requisition,
    meeting: Meeting,
    *,
    by_members: tuple = (),
    on: date | None = None,
    actor=None,
) -> Requisition:
    """The board convenes the meeting; or, once the board's deadline has passed, the number of
    members the rules name convene it themselves (`by_members`): one of them, or someone who
    runs meetings recording it, acts."""
    if not by_members:
        require("meetings.run_meeting", actor, given.organisation)
    elif not (may("meetings.run_meeting", actor, given.organisation)
              or any(is_self(actor, m) for m in by_members)):  # fmt: skip
        raise NotPermitted(
            "Only one of the convening members, or someone who runs meetings, may record it."
        )
    on = on or register.today()
    with transaction.atomic():
        requisition = _locked(given)
        name = "convene_by_members" if by_members else "convene_by_board"
        known = facts.requisition_facts(requisition, on, meeting=meeting, by_members=by_members)
        allowed, reason = check(REQUISITION_TRANSITIONS, known, name)
        if not allowed:
            raise MeetingError(reason)
        state = REQUISITION_TRANSITIONS[name].target
        requisition.state = state
        requisition.meeting = meeting
        requisition.save(update_fields=["state", "meeting"])
        audit.record(
            requisition.organisation,
            "requisition.convened",
            actor=actor,
            subject=requisition,
            data={"meeting": meeting.pk, "by": state},
        )
    given.refresh_from_db()
    return given
