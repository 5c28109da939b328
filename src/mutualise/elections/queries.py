"""Reads of elections that other pages need (the organisation's home page): public facts only."""

from __future__ import annotations

from django.db.models import Count

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


def chairs_business(organisation) -> list[tuple[Election, str, str]]:
    """Elections waiting for the chair, as (election, what is waiting, url name): seats left
    unfilled to co-opt to (`elections.unfilled_seats: co-opted`) and ties for the chair's
    casting vote (`elections.ties: chair-casting-vote`); only what the rulebook provides for."""
    rules = organisation.constitution.elections
    waiting = []
    if rules.ties == "chair-casting-vote":
        for election in Election.objects.filter(organisation=organisation, state=State.COUNTED):
            if (election.result or {}).get("casting_pending"):
                waiting.append((election, "a tie waits for your casting vote", "casting_vote"))
    if rules.unfilled_seats == "co-opted":
        declared = Election.objects.filter(organisation=organisation, state=State.DECLARED)
        for election in declared.annotate(filled=Count("terms")):
            if election.filled < election.vacancies:
                waiting.append((election, "seats left unfilled to co-opt to", "co_opt"))
    return waiting
