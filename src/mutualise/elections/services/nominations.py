"""Nominations: nominating, withdrawing, rejecting, closing, the ballot's order."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.constitution.calendar import age_on
from mutualise.register import services as register

from ..lifecycle import State
from ..models import (
    Candidate,
    Election,
)
from .common import ElectionError, _now, _require, _standing, facts, timetable

# ---------------------------------------------------------------------------------------------
# Nominations


def _is_constituency_member(election: Election, member, on: date) -> bool:
    members = register.active_members(
        election.organisation, on=on, constituency_id=election.constituency_id
    )
    if election.class_id:
        members = members.filter(class_id=election.class_id)
    return members.filter(pk=member.pk).exists()


def nominate(
    election: Election,
    member,
    *,
    statement: str = "",
    ballot_name: str = "",
    proposers=(),
    seconders=(),
    declarations=(),
    actor=None,
    now: datetime | None = None,
) -> Candidate:
    """Nominate a member (themself, or recorded by an officer) while nominations are open."""
    now = _now(now)
    election.refresh_from_db(fields=["state"])
    rules = election.organisation.constitution.elections.nominations
    body = election.organisation.constitution.body(election.body_id)
    if election.state_enum != State.NOMINATIONS_OPEN:
        raise ElectionError("nominations are not open")
    if now >= timetable(election).nominations_close:
        raise ElectionError("nominations have closed")
    on = timezone.localdate(now)
    problems = []
    if rules.candidate_from_electorate and not _is_constituency_member(election, member, on):
        problems.append("candidate: not a member of the constituency")
    minimum_age = body.member_minimum_age
    born = getattr(member, "date_of_birth", None)
    if minimum_age and born is not None and age_on(born, election.close_of_poll) < minimum_age:
        problems.append(f"candidate: must be at least {minimum_age} on polling day")
    limit = rules.statement_word_limit
    words = len(statement.split())
    if limit and words > limit:
        problems.append(f"statement: {words} words; the limit is {limit}")
    missing = [d for d in body.disqualifications if d not in declarations]
    if missing:
        problems.append(
            "declarations: the candidate must declare they are not " + "; nor ".join(missing)
        )
    for label, people, needed in (
        ("proposers", proposers, rules.proposers),
        ("seconders", seconders, rules.seconders),
    ):
        people = list(people)
        if len(people) < needed:
            problems.append(f"{label}: {needed} needed, {len(people)} given")
        for person in people:
            if person.pk == member.pk:
                problems.append(f"{label}: a candidate cannot propose or second themself")
            elif rules.proposers_from_electorate and not _is_constituency_member(
                election, person, on
            ):
                problems.append(f"{label}: {person.number} is not a member of the constituency")
    if problems:
        raise ElectionError("; ".join(problems))
    with transaction.atomic():
        try:
            with transaction.atomic():
                candidate = Candidate.objects.create(
                    organisation=election.organisation,
                    election=election,
                    member=member,
                    ballot_name=ballot_name or member.display_name,
                    statement=statement,
                    declarations=list(declarations),
                    nominated_at=now,
                )
        except IntegrityError:
            raise ElectionError("candidate: already nominated in this election") from None
        candidate.proposers.set(list(proposers))
        candidate.seconders.set(list(seconders))
        audit.record(
            election.organisation,
            "election.nominated",
            actor=actor,
            subject=candidate,
            data={"election": election.pk, "member": member.number, "words": words},
        )
    return candidate


def withdraw(candidate: Candidate, *, actor=None, now: datetime | None = None) -> Candidate:
    now = _now(now)
    election = candidate.election
    if election.state_enum not in (State.NOMINATIONS_OPEN, State.NOMINATIONS_CLOSED):
        raise ElectionError("withdrawals are closed")
    if now >= facts(election, now).withdrawals_close:
        raise ElectionError("the last day to withdraw has passed")
    if candidate.status != Candidate.Status.NOMINATED:
        raise ElectionError("this nomination is not standing")
    with transaction.atomic():
        candidate.status = Candidate.Status.WITHDRAWN
        candidate.withdrawn_at = now
        candidate.position = None
        candidate.save(update_fields=["status", "withdrawn_at", "position"])
        audit.record(
            election.organisation,
            "election.withdrawn",
            actor=actor,
            subject=candidate,
            data={"election": election.pk},
        )
    return candidate


def reject_nomination(candidate: Candidate, *, reason: str, actor=None) -> Candidate:
    _require("returning_officer", actor, candidate.election)
    if candidate.election.state_enum not in (State.NOMINATIONS_OPEN, State.NOMINATIONS_CLOSED):
        raise ElectionError("nominations can only be rejected before withdrawals close")
    if not reason.strip():
        raise ElectionError("reason: say why the nomination is rejected")
    with transaction.atomic():
        candidate.status = Candidate.Status.REJECTED
        candidate.rejection_reason = reason
        candidate.position = None
        candidate.save(update_fields=["status", "rejection_reason", "position"])
        audit.record(
            candidate.election.organisation,
            "election.nomination_rejected",
            actor=actor,
            subject=candidate,
            data={"reason": reason},
        )
    return candidate


def _surname_key(name: str) -> tuple[str, str]:
    parts = name.split()
    return (parts[-1].lower() if parts else "", name.lower())


def _assign_positions(election: Election) -> None:
    """Ballot order: alphabetical by surname, as the statement of nominated candidates lists."""
    standing = sorted(_standing(election), key=lambda c: _surname_key(c.ballot_name))
    election.candidates.update(position=None)
    for position, candidate in enumerate(standing, start=1):
        Candidate.objects.filter(pk=candidate.pk).update(position=position)


def _close_nominations(election: Election, now: datetime) -> dict:
    _assign_positions(election)
    return {"standing": _standing(election).count()}


def ballot_candidates(election: Election) -> list[Candidate]:
    return list(_standing(election).order_by("position"))
