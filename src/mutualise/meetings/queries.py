"""Reads of meetings that other pages need (the organisation's home page): what is public."""

from __future__ import annotations

from mutualise import clock

from .lifecycle import MeetingState, ResolutionState
from .models import Meeting, ProxyAppointment, Resolution


def in_session(organisation):
    return Meeting.objects.filter(
        organisation=organisation, state__in=[MeetingState.IN_SESSION, MeetingState.ADJOURNED]
    ).order_by("starts_at")


def next_meeting(organisation, now=None) -> Meeting | None:
    """The next general meeting members have been given notice of."""
    now = now or clock.now()
    return (
        Meeting.objects.filter(
            organisation=organisation, state=MeetingState.CALLED, starts_at__gte=now
        )
        .order_by("starts_at")
        .first()
    )


def open_votes(organisation):
    """Resolutions open for voting now (at a meeting, or in advance)."""
    return (
        Resolution.objects.filter(organisation=organisation, state=ResolutionState.OPEN)
        .select_related("meeting")
        .order_by("meeting__starts_at", "number")
    )


def latest_declared(organisation, limit: int = 3):
    return (
        Resolution.objects.filter(organisation=organisation, state=ResolutionState.DECLARED)
        .select_related("meeting")
        .order_by("-declared_at", "number")[:limit]
    )


def advance_votes(organisation, now=None):
    """Resolutions of a called meeting that members may vote on before it starts."""
    now = now or clock.now()
    return (
        Resolution.objects.filter(
            organisation=organisation,
            advance_voting=True,
            state=ResolutionState.PROPOSED,
            meeting__state=MeetingState.CALLED,
            meeting__starts_at__gt=now,
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "number")
    )


def meetings_for_members(organisation, now=None):
    """Meetings a member may attend and vote at: called and still to come, or in session."""
    now = now or clock.now()
    called = Meeting.objects.filter(
        organisation=organisation, state=MeetingState.CALLED, starts_at__gte=now
    )
    return (called | in_session(organisation)).order_by("starts_at")


def proxies_of(member):
    """The member's proxy appointments in force, for meetings not yet closed: those they made
    and those they hold for others."""

    live = ProxyAppointment.objects.filter(
        organisation_id=member.organisation_id, revoked_at__isnull=True
    ).exclude(meeting__state__in=[MeetingState.CLOSED, MeetingState.CANCELLED])
    live = live.select_related("meeting", "appointer", "proxy_member").order_by(
        "meeting__starts_at"
    )
    return list(live.filter(appointer=member)), list(live.filter(proxy_member=member))
