"""Decisions tracked to delivery: a record per funded project (made by the count), adopted
proposal or carried resolution; who is responsible, status, progress, dates and updates."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.db import transaction

from mutualise.audit import services as audit

from ..lifecycle import ProposalState
from ..models import Delivery, DeliveryUpdate, Proposal
from .common import ParticipationError, now_or, require, today

CSV_COLUMNS = [
    "reference",
    "decision",
    "title",
    "responsible",
    "status",
    "progress_percent",
    "budget_pounds",
    "decided_on",
    "start_on",
    "due_on",
    "done_on",
    "dropped_reason",
    "latest_update",
]


def record_decision(
    organisation,
    *,
    source: str,
    source_ref: str,
    title: str,
    responsible: str = "",
    decided_on: date | None = None,
    proposal: Proposal | None = None,
    due_on: date | None = None,
    actor=None,
    now=None,
) -> Delivery:
    """Open a delivery record by hand, for a decision made outside mutualise (a carried
    resolution or an adopted proposal gets its record by itself: see below)."""
    require(actor, "participation.keep_delivery", organisation, "keep delivery records")
    if source not in Delivery.Source.values:
        raise ParticipationError(f"source: one of {', '.join(Delivery.Source.values)}")
    if proposal is not None and proposal.state != ProposalState.ROUTED:
        raise ParticipationError(f"proposal {proposal.number} has not reached its threshold")
    return _open(
        organisation,
        source=source,
        source_ref=source_ref,
        title=title,
        responsible=responsible,
        decided_on=decided_on or today(now),
        proposal=proposal,
        due_on=due_on,
        actor=actor,
    )


def _open(organisation, *, source, source_ref, actor, **fields) -> Delivery:
    if Delivery.objects.filter(
        organisation=organisation, source=source, source_ref=source_ref
    ).exists():
        raise ParticipationError(f"{source_ref} already has a delivery record")
    with transaction.atomic():
        delivery = Delivery.objects.create(
            organisation=organisation, source=source, source_ref=source_ref, **fields
        )
        audit.record(
            organisation,
            "delivery.recorded",
            actor=actor,
            subject=delivery,
            data={"source": source, "ref": source_ref},
        )
    return delivery


def record_adopted_proposal(proposal: Proposal, *, actor=None, now=None) -> Delivery:
    """The record of a proposal members adopted by reaching its threshold, for the board to
    act on (route 'board'); made by the support that adopted it, in its transaction. No
    permission of its own: the member's support is what decided it."""
    return _open(
        proposal.organisation,
        source=Delivery.Source.PROPOSAL,
        source_ref=f"proposal {proposal.number}",
        title=proposal.title,
        responsible="the board",
        decided_on=today(now),
        proposal=proposal,
        actor=actor,
    )


def record_carried_resolution(resolution, *, actor=None, now=None) -> None:
    """meetings.decisions' listener: a resolution that takes effect gets its record inside
    the declaration's transaction. The chair's right to declare is the permission checked.
    A resolution put to the meeting by a members' proposal names the proposal too."""
    meeting = resolution.meeting
    _open(
        resolution.organisation,
        source=Delivery.Source.RESOLUTION,
        source_ref=f"meeting {meeting.pk} resolution {resolution.number}",
        title=resolution.title,
        responsible="the board",
        decided_on=today(now),
        proposal=Proposal.objects.filter(resolution=resolution).first(),
        actor=actor,
    )


def update_delivery(
    delivery: Delivery,
    *,
    status: str,
    progress: int,
    text: str,
    responsible: str | None = None,
    dropped_reason: str = "",
    due_on: date | None = None,
    by: str = "",
    actor=None,
    now=None,
) -> DeliveryUpdate:
    organisation = delivery.organisation
    require(actor, "participation.keep_delivery", organisation, "keep delivery records")
    if status not in Delivery.Status.values:
        raise ParticipationError(f"status: one of {', '.join(Delivery.Status.values)}")
    if not 0 <= progress <= 100:
        raise ParticipationError("progress: a percentage from 0 to 100")
    if status == Delivery.Status.DROPPED and not dropped_reason.strip():
        raise ParticipationError("reason: say why it was dropped; the reason is published")
    if status == Delivery.Status.DONE:
        progress = 100
    if not text.strip():
        raise ParticipationError("update: say what has happened")
    moment = now_or(now)
    with transaction.atomic():
        delivery.status, delivery.progress = status, progress
        delivery.dropped_reason = dropped_reason.strip()
        if responsible is not None:
            delivery.responsible = responsible
        if due_on is not None:
            delivery.due_on = due_on
        if status == Delivery.Status.UNDER_WAY and delivery.start_on is None:
            delivery.start_on = today(now)
        delivery.done_on = today(now) if status == Delivery.Status.DONE else None
        delivery.save()
        update = DeliveryUpdate.objects.create(
            organisation=organisation,
            delivery=delivery,
            at=moment,
            by=by or (str(actor) if actor else "system"),
            status=status,
            progress=progress,
            text=text.strip(),
        )
        audit.record(
            organisation,
            "delivery.updated",
            actor=actor,
            subject=delivery,
            data={"status": status, "progress": progress},
        )
    return update


def deliveries_csv(organisation) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for d in Delivery.objects.filter(organisation=organisation).prefetch_related("updates"):
        latest = d.updates.all()[:1]
        writer.writerow(
            [
                d.source_ref,
                d.get_source_display(),
                d.title,
                d.responsible,
                d.get_status_display(),
                d.progress,
                f"{d.budget_pence / 100:.2f}" if d.budget_pence is not None else "",
                d.decided_on,
                d.start_on or "",
                d.due_on or "",
                d.done_on or "",
                d.dropped_reason,
                latest[0].text if latest else "",
            ]
        )
    return out.getvalue()
