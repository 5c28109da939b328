"""Reads of meetings that other pages need (the organisation's home page): what is public."""

from __future__ import annotations

from django.utils import timezone

from .lifecycle import MeetingState, ResolutionState
from .models import Meeting, Resolution


def in_session(organisation):
    return Meeting.objects.filter(
        organisation=organisation, state__in=[MeetingState.IN_SESSION, MeetingState.ADJOURNED]
    ).order_by("starts_at")


def next_meeting(organisation, now=None) -> Meeting | None:
    """The next general meeting members have been given notice of."""
    now = now or timezone.now()
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
    now = now or timezone.now()
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
