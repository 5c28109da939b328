"""The register of office holders: appointments, co-options, ex-officio seats, offices a body
elects (its chair), elected terms from declared elections, ends, declarations, attendance."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution.schema import SeatFill
from mutualise.elections.models import OfficeTerm

from ..models import BodyAttendance, BodyMeeting, Declaration, OfficeHolding
from .errors import GovernanceError, require

How = OfficeHolding.How


def _seat(constitution, body_id: str, seat_group_id: str = "", office_id: str = ""):
    """(body, seat group or None, office or None) from the rulebook, or a clear error."""
    try:
        body = constitution.body(body_id)
    except KeyError as exc:
        raise GovernanceError(str(exc)) from None
    if bool(seat_group_id) == bool(office_id):
        raise GovernanceError("give either a seat group or an office, not both or neither")
    if seat_group_id:
        for group in body.seats:
            if group.id == seat_group_id:
                return body, group, None
        known = ", ".join(g.id for g in body.seats)
        raise GovernanceError(f"'{body_id}' has no seats '{seat_group_id}'; known: {known}")
    for office in body.offices:
        if office.id == office_id:
            return body, None, office
    known = ", ".join(o.id for o in body.offices) or "none"
    raise GovernanceError(f"'{body_id}' has no office '{office_id}'; known: {known}")


def _create(organisation, *, actor, action, **fields) -> OfficeHolding:
    member = fields.get("member")
    if member is not None and member.organisation_id != organisation.pk:
        raise GovernanceError(f"member {member.number} belongs to another organisation")
    if member is not None:
        fields.setdefault("holder_name", member.display_name)
        fields.setdefault("address", " ".join([member.address, member.postcode]).strip())
    if not fields.get("holder_name", "").strip():
        raise GovernanceError("the holder's name is required")
    ends_on = fields.get("ends_on")
    if ends_on is not None and ends_on <= fields["started_on"]:
        raise GovernanceError("the term must end after it starts")
    holding = OfficeHolding.objects.create(
        organisation=organisation,
        recorded_at=clock.now(),
        recorded_by=audit.actor_name(actor),
        **fields,
    )
    audit.record(
        organisation,
        action,
        actor=actor,
        subject=holding,
        data={
            "body": holding.body_id,
            "seat": holding.seat_label,
            "how": holding.how,
            "chosen_by": holding.chosen_by,
            "started_on": holding.started_on.isoformat(),
            "member": member.number if member is not None else None,
        },
    )
    return holding


def appoint(
    organisation,
    *,
    body_id: str,
    seat_group_id: str = "",
    office_id: str = "",
    how: str = How.APPOINTED,
    chosen_by: str,
    decided_on: date,
    started_on: date | None = None,
    ends_on: date | None = None,
    member=None,
    holder_name: str = "",
    address: str = "",
    actor=None,
) -> OfficeHolding:
    """Record an appointment, co-option or ex-officio seat, with who decided and when. The
    rulebook is not enforced here: a register records what happened; the health check says
    when that is not what the rules provide."""
    require("governance.manage_holders", actor, organisation)
    if how not in (How.APPOINTED, How.CO_OPTED, How.EX_OFFICIO):
        raise GovernanceError(f"'{how}' is not appointed, co-opted or ex-officio")
    if not chosen_by.strip():
        raise GovernanceError("say who appointed them (the appointing body or person)")
    _seat(organisation.constitution, body_id, seat_group_id, office_id)
    fields = {"holder_name": holder_name} if holder_name else {}
    if address:
        fields["address"] = address
    with transaction.atomic():
        return _create(
            organisation,
            actor=actor,
            action="holding.appointed",
            body_id=body_id,
            seat_group_id=seat_group_id,
            office_id=office_id,
            how=how,
            chosen_by=chosen_by.strip(),
            decided_on=decided_on,
            started_on=started_on or decided_on,
            ends_on=ends_on,
            member=member,
            **fields,
        )


def record_existing_holder(
    organisation,
    *,
    body_id: str,
    seat_group_id: str = "",
    office_id: str = "",
    how: str,
    chosen_by: str,
    started_on: date,
    ends_on: date | None = None,
    member=None,
    holder_name: str = "",
    address: str = "",
    actor=None,
) -> OfficeHolding:
    """A holder already in office when the organisation began keeping its register here
    (elected at a past AGM, named in the registration): how they came to hold it, as recorded
    in the organisation's minutes."""
    require("governance.manage_holders", actor, organisation)
    if how not in How.values:
        raise GovernanceError(f"'{how}' is not one of {', '.join(How.values)}")
    if not chosen_by.strip():
        raise GovernanceError("say who chose them (the meeting, body or person)")
    _seat(organisation.constitution, body_id, seat_group_id, office_id)
    fields = {"holder_name": holder_name} if holder_name else {}
    if address:
        fields["address"] = address
    with transaction.atomic():
        return _create(
            organisation,
            actor=actor,
            action="holding.recorded",
            body_id=body_id,
            seat_group_id=seat_group_id,
            office_id=office_id,
            how=how,
            chosen_by=chosen_by.strip(),
            started_on=started_on,
            ends_on=ends_on,
            member=member,
            **fields,
        )


def record_office_election(
    organisation,
    *,
    body_id: str,
    office_id: str,
    member=None,
    holder_name: str = "",
    decided_on: date,
    ends_on: date | None = None,
    replaces: bool = True,
    actor=None,
) -> OfficeHolding:
    """A body elects one of its offices (the board elects its chair). With `replaces`, the
    office's other current holders' holdings end the same day."""
    require("governance.manage_holders", actor, organisation)
    body, _, office = _seat(organisation.constitution, body_id, office_id=office_id)
    if office.filled_by != SeatFill.ELECTED:
        raise GovernanceError(f"the rulebook says the {office.name} is {office.filled_by}")
    elector = organisation.constitution.chooser_name(office.electorate or body.id)
    with transaction.atomic():
        if replaces:
            for old in OfficeHolding.objects.select_for_update().filter(
                _current(decided_on),
                organisation=organisation,
                body_id=body_id,
                office_id=office_id,
            ):
                _end(old, decided_on, f"replaced by the election of {decided_on}", actor)
        fields = {"holder_name": holder_name} if holder_name else {}
        return _create(
            organisation,
            actor=actor,
            action="holding.elected",
            body_id=body_id,
            office_id=office_id,
            how=How.ELECTED,
            chosen_by=elector,
            decided_on=decided_on,
            started_on=decided_on,
            ends_on=ends_on,
            member=member,
            **fields,
        )


def _current(on: date) -> Q:
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def _end(holding: OfficeHolding, on: date, reason: str, actor) -> None:
    if on < holding.started_on:
        raise GovernanceError(f"{holding} started on {holding.started_on}: it cannot end before")
    holding.ended_on = on
    holding.end_reason = reason
    holding.save(update_fields=["ended_on", "end_reason"])
    audit.record(
        holding.organisation,
        "holding.ended",
        actor=actor,
        subject=holding,
        data={"on": on.isoformat(), "reason": reason},
    )


def end_holding(holding: OfficeHolding, *, on: date, reason: str, actor=None) -> OfficeHolding:
    """Resignation, death, disqualification, removal, or the end of a co-option."""
    require("governance.manage_holders", actor, holding.organisation)
    if not reason.strip():
        raise GovernanceError("say why the holding ends")
    with transaction.atomic():
        holding = OfficeHolding.objects.select_for_update().get(pk=holding.pk)
        if holding.ended_on is not None:
            raise GovernanceError(f"{holding} already ended on {holding.ended_on}")
        _end(holding, on, reason.strip(), actor)
        if holding.term_id:  # an elected term ended early: a casual vacancy for elections
            OfficeTerm.objects.filter(pk=holding.term_id).update(ended_on=on)
    return holding


def declare(holding: OfficeHolding, *, kind: str, text: str, on: date, actor=None) -> Declaration:
    """A declared interest, a ground of disqualification, or a declaration that none applies."""
    require("governance.manage_holders", actor, holding.organisation)
    if kind not in Declaration.Kind.values:
        known = ", ".join(Declaration.Kind.values)
        raise GovernanceError(f"unknown declaration '{kind}'; known: {known}")
    if not text.strip():
        raise GovernanceError("the declaration needs its text")
    with transaction.atomic():
        declaration = Declaration.objects.create(
            organisation=holding.organisation,
            holding=holding,
            kind=kind,
            text=text.strip(),
            declared_on=on,
            recorded_by=audit.actor_name(actor),
        )
        audit.record(
            holding.organisation,
            "holding.declared",
            actor=actor,
            subject=holding,
            data={"kind": kind, "on": on.isoformat()},
        )
    return declaration


def record_body_meeting(
    organisation, *, body_id: str, held_on: date, present, absent=(), title: str = "", actor=None
) -> BodyMeeting:
    """A meeting of a body and which of its current holders attended."""
    require("governance.manage_holders", actor, organisation)
    try:
        organisation.constitution.body(body_id)
    except KeyError as exc:
        raise GovernanceError(str(exc)) from None
    marks = [(h, True) for h in present] + [(h, False) for h in absent]
    for holding, _ in marks:
        if holding.organisation_id != organisation.pk or holding.body_id != body_id:
            raise GovernanceError(f"{holding} does not sit on '{body_id}'")
    with transaction.atomic():
        meeting = BodyMeeting.objects.create(
            organisation=organisation, body_id=body_id, held_on=held_on, title=title
        )
        BodyAttendance.objects.bulk_create(
            BodyAttendance(organisation=organisation, meeting=meeting, holding=h, present=p)
            for h, p in marks
        )
        audit.record(
            organisation,
            "body.met",
            actor=actor,
            subject=meeting,
            data={"body": body_id, "on": held_on.isoformat(), "present": len(present)},
        )
    return meeting


def sync_elected_term(term) -> OfficeHolding:
    """An elected term (written by the elections app when a result is declared) enters the
    register of office holders, in the same transaction; later changes follow it."""
    holding = OfficeHolding.objects.filter(term=term).first()
    if holding is None:
        member = term.member
        return _create(
            term.organisation,
            actor="system",
            action="holding.elected",
            body_id=term.body_id,
            seat_group_id=term.seat_group_id,
            how=How.ELECTED,
            election_id=term.election_id,
            term=term,
            member=member,
            holder_name=term.holder_name,
            started_on=term.started_on,
            ends_on=term.ends_on,
            decided_on=term.election.declared_at.date()
            if term.election_id and term.election.declared_at
            else None,
        )
    if (holding.ends_on, holding.ended_on) != (term.ends_on, term.ended_on):
        holding.ends_on, holding.ended_on = term.ends_on, term.ended_on
        holding.save(update_fields=["ends_on", "ended_on"])
    return holding


def current_holders(organisation, on: date | None = None):
    on = on or clock.localdate()
    return (
        OfficeHolding.objects.filter(_current(on), organisation=organisation)
        .select_related("election", "member")
        .order_by("body_id", "office_id", "seat_group_id", "holder_name")
    )


def officers_register(organisation) -> list[dict]:
    """The s.30(3) register of officers: name, address, office, from, to (everyone, past and
    present)."""
    constitution = organisation.constitution
    names = {b.id: b for b in constitution.bodies}
    rows = []
    for h in OfficeHolding.objects.filter(organisation=organisation).order_by(
        "started_on", "holder_name"
    ):
        body = names.get(h.body_id)
        seat = body.seat_label(h.seat_label) if body is not None else h.seat_label
        rows.append(
            {
                "id": h.pk,
                "name": h.holder_name,
                "address": h.address,
                "office": f"{body.name if body else h.body_id}: {seat}",
                "how": h.get_how_display(),
                "chosen_by": h.chosen_by,
                "from": h.started_on,
                "to": h.ended_on,
            }
        )
    return rows
