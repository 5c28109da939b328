"""Appointing proxies."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.mail import services as mail

from ..ballot_parser import ChoiceInvalid, parse_instruction
from ..lifecycle import MeetingState
from ..models import (
    Meeting,
    ProxyAppointment,
)
from .common import MeetingError, _now, _require_member, _today, require_self

# --- proxies --------------------------------------------------------------------------------


def proxy_deadline(meeting: Meeting) -> datetime | None:
    hours = meeting.organisation.constitution.meetings.proxies.lodge_hours_before
    return None if hours is None else meeting.starts_at - timedelta(hours=hours)


def may_appoint_proxy(meeting: Meeting, *, now=None) -> tuple[bool, str]:
    """(allowed, reason): may a proxy be appointed for this meeting now? The rulebook must allow
    proxies, the meeting not have opened, and its deadline for lodging them not have passed."""
    rules = meeting.organisation.constitution.meetings.proxies
    if not rules.allowed:
        return False, "the rules of this organisation do not allow proxies"
    if meeting.state not in (MeetingState.DRAFT, MeetingState.CALLED):
        return False, "proxies are appointed before the meeting opens"
    deadline = proxy_deadline(meeting)
    if deadline is not None and _now(now) > deadline:
        return False, (
            f"proxies had to be lodged by {timezone.localtime(deadline):%-d %B %Y %H:%M} "
            f"({rules.lodge_hours_before} hours before the meeting)"
        )
    return True, ""


def may_revoke_proxy(meeting: Meeting) -> tuple[bool, str]:
    """(allowed, reason): may a proxy for this meeting be revoked? Until the meeting opens."""
    if meeting.state not in (MeetingState.DRAFT, MeetingState.CALLED):
        return False, "a proxy is revoked before the meeting opens"
    return True, ""


def appoint_proxy(
    meeting: Meeting,
    appointer,
    *,
    proxy_member=None,
    proxy_name: str = "",
    instructions: dict | None = None,
    actor=None,
    now=None,
) -> ProxyAppointment:
    """Appoint a proxy for this meeting; without one named, the chair of the meeting.

    `instructions` maps resolution numbers to for / against / abstain / discretion (the
    default). A new appointment replaces the member's earlier one. The rulebook's limit of
    proxies per person applies to members named as proxies, not to the chair of the meeting,
    who holds every proxy that names no one.
    """
    # A member appoints their own proxy; the secretary may enter a paper proxy form.
    require_self(actor, appointer, meeting.organisation, what="appoint their proxy",
                 or_permission="meetings.run_meeting")  # fmt: skip
    rules = meeting.organisation.constitution.meetings.proxies
    now = _now(now)
    allowed, reason = may_appoint_proxy(meeting, now=now)
    if not allowed:
        raise MeetingError(reason)
    _require_member(meeting.organisation, appointer, _today(now))
    if proxy_name and rules.proxy_must_be_member:
        raise MeetingError("a proxy must be a member under these rules: choose a member")
    if proxy_member is not None:
        if proxy_member.pk == appointer.pk:
            raise MeetingError("a member cannot be their own proxy")
        _require_member(meeting.organisation, proxy_member, _today(now), "the proxy")
    numbers = {str(r.number) for r in meeting.resolutions.all()}
    clean = {}
    for key, choice in (instructions or {}).items():
        if str(key) not in numbers:
            raise MeetingError(f"instructions: there is no resolution {key} on the agenda")
        try:
            clean[str(key)] = parse_instruction(choice, f"instructions: resolution {key}")
        except ChoiceInvalid as exc:
            raise MeetingError(str(exc)) from None
    try:
        ProxyAppointment(instructions=clean)  # sealed when set: too long is refused here
    except ValueError as exc:
        raise MeetingError(str(exc)) from None
    with transaction.atomic():
        if proxy_member is not None and rules.max_per_proxy is not None:
            held = (
                ProxyAppointment.objects.select_for_update()
                .filter(meeting=meeting, proxy_member=proxy_member, revoked_at__isnull=True)
                .exclude(appointer=appointer)
                .count()
            )
            if held >= rules.max_per_proxy:
                raise MeetingError(
                    f"{proxy_member.display_name} already holds {held} proxies, the most the "
                    f"rules allow ({rules.max_per_proxy})"
                )
        ProxyAppointment.objects.filter(
            meeting=meeting, appointer=appointer, revoked_at__isnull=True
        ).update(revoked_at=now)
        appointment = ProxyAppointment.objects.create(
            organisation=meeting.organisation,
            meeting=meeting,
            appointer=appointer,
            proxy_member=proxy_member,
            proxy_name=proxy_name,
            is_chair=proxy_member is None and not proxy_name,
            instructions=clean,
            lodged_at=now,
        )
        audit.record(
            meeting.organisation,
            "proxy.appointed",
            actor=actor,
            subject=appointment,
            data={
                "meeting": meeting.pk,
                "appointer": appointer.number,
                "holder": appointment.holder,
            },
        )
    return appointment


def revoke_proxy(given: ProxyAppointment, *, actor=None, now=None) -> ProxyAppointment:
    """The member withdraws the proxy they appointed, until the meeting opens; the proxy is
    told by email where they gave an address."""
    require_self(actor, given.appointer, given.organisation, what="revoke their proxy",
                 or_permission="meetings.run_meeting")  # fmt: skip
    now = _now(now)
    with transaction.atomic():
        appointment = (
            ProxyAppointment.objects.select_for_update(of=("self",))
            .select_related("meeting", "appointer", "proxy_member")
            .get(pk=given.pk)
        )
        if appointment.revoked_at is not None:
            raise MeetingError("this proxy has been revoked or replaced already")
        allowed, reason = may_revoke_proxy(appointment.meeting)
        if not allowed:
            raise MeetingError(reason)
        appointment.revoked_at = now
        appointment.save(update_fields=["revoked_at"])
        holder = appointment.proxy_member
        if holder is not None and holder.email:
            mail.send(
                organisation=appointment.organisation,
                to=holder.email,
                template="meetings/proxy_revoked",
                context={"name": holder.display_name, "meeting": appointment.meeting,
                         "appointer": appointment.appointer.display_name},
                reason="proxy-revoked",
            )  # fmt: skip
        audit.record(
            appointment.organisation,
            "proxy.revoked",
            actor=actor,
            subject=appointment,
            data={"meeting": appointment.meeting_id, "appointer": appointment.appointer.number},
        )
    given.refresh_from_db()
    return given


def live_proxies(meeting: Meeting):
    """Appointments in force: not revoked, and the appointer has not come in person."""
    present = meeting.attendances.filter(checked_in_at__isnull=False, left_at__isnull=True)
    return (
        ProxyAppointment.objects.filter(meeting=meeting, revoked_at__isnull=True)
        .exclude(appointer_id__in=present.values("member_id"))
        .select_related("appointer", "proxy_member")
    )
