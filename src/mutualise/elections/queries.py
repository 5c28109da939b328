"""Reads of elections that other pages need (the organisation's home page): public facts only."""

from __future__ import annotations

from .lifecycle import State
from .models import Election


def open_polls(organisation):
    """Elections whose poll is open now, closing soonest first."""
    return Election.objects.filter(organisation=organisation, state=State.POLL_OPEN).order_by(
        "close_of_poll", "title"
    )


def taking_nominations(organisation):
    return Election.objects.filter(
        organisation=organisation, state=State.NOMINATIONS_OPEN
    ).order_by("close_of_poll", "title")


def latest_declared(organisation, limit: int = 3):
    return Election.objects.filter(organisation=organisation, state=State.DECLARED).order_by(
        "-declared_at", "title"
    )[:limit]


def polls_for(member):
    """Open polls the member is on the roll of (they vote with the code they were sent)."""
    return (
        open_polls(member.organisation).filter(roll__member=member, roll__removed=False).distinct()
    )
