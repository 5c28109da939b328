"""Nominations: nominating, withdrawing, rejecting, closing, the ballot's order."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.constitution.calendar import add_period, age_on
from mutualise.counting.ballots import has_control_character
from mutualise.counting.names import look_alike_clause, name_key
from mutualise.register import services as register

from .. import seats
from ..lifecycle import State
from ..models import Candidate, Election, OfficeTerm
from ..rules import is_returning_officer
from .common import ElectionError, NotPermitted, _now, _require, _standing, facts, timetable

# ---------------------------------------------------------------------------------------------
# Nominations


def _is_constituency_member(election: Election, member, on: date) -> bool:
    members = register.active_members(
        election.organisation, on=on, constituency_id=election.constituency_id
    )
    if election.class_id:
        members = members.filter(class_id=election.class_id)
    return members.filter(pk=member.pk).exists()


def _require_self_or_returning_officer(actor, member, election: Election, doing: str) -> None:
    """Who may nominate a member or withdraw their nomination: the member themself, signed in
    with their own sign-in, or the returning officer (a form received on paper). A string actor
    (the CLI, a task) or None is the system, as in `_require`."""
    if actor is None or isinstance(actor, str):
        return
    if member.user_id is not None and member.user_id == getattr(actor, "pk", None):
        return
    if not is_returning_officer(actor, election):
        raise NotPermitted(f"only the member themself, or the returning officer, may {doing}")


def _term_limits(election: Election, member, body) -> list[str]:
    """The rulebook's limits on service (the seat group's or body's `term`: `max_terms`,
    `max_years`, `re_election_allowed`), read against the register of office-holders: the terms
    on this body the member has held or holds before the new term would start."""
    _, group = seats.seat_group(
        election.organisation.constitution, election.body_id, election.seat_group_id
    )
    term = group.term or body.term
    if term.max_terms is None and term.max_years is None and term.re_election_allowed:
        return []
    starts = election.close_of_poll + timedelta(days=1)
    held = list(
        OfficeTerm.objects.filter(
            organisation=election.organisation,
            body_id=election.body_id,
            member=member,
            started_on__lt=starts,
        )
    )
    problems = []
    if held and not term.re_election_allowed:
        problems.append(f"candidate: the rules do not allow re-election to the {body.name}")
    if term.max_terms is not None and len(held) >= term.max_terms:
        problems.append(
            f"candidate: has served {len(held)} terms on the {body.name}; the rules allow "
            f"{term.max_terms}"
        )
    if term.max_years is not None and held:
        served = sum(
            (min(t.ended_on or t.ends_on, t.ends_on, starts) - t.started_on).days for t in held
        )
        first = min(t.started_on for t in held)
        allowed = (add_period(first, term.max_years, "years") - first).days
        coming = (add_period(starts, term.years, "years") - starts).days
        if served + coming > allowed:
            problems.append(
                f"candidate: another {term.years}-year term would take their service on the "
                f"{body.name} past the rules' {term.max_years} years"
            )
    return problems


_BALLOT_NAME_MAX = Candidate._meta.get_field("ballot_name").max_length


def _ballot_name(given: str, member) -> tuple[str, list[str]]:
    """The name printed on the ballot (the one given, else the member's name on the register),
    with runs of whitespace made one space, and what is wrong with it: a name the exported BLT
    could not carry (empty, a control character or a bidirectional override) is refused."""
    source = "ballot name" if given.strip() else "ballot name (the member's name on the register)"
    raw = given if given.strip() else member.display_name
    if has_control_character(raw):  # before split(): str.split() treats \x1c-\x1f as spaces
        return raw, [
            f"{source}: has a control character or a bidirectional override "
            "(the exported ballots could not be read); retype the name"
        ]
    name = " ".join(raw.split())
    if len(name) > _BALLOT_NAME_MAX:
        return name, [f"{source}: {len(name)} characters; at most {_BALLOT_NAME_MAX}"]
    if not name_key(name):  # blank, or only invisible characters: nothing on the ballot paper
        return name, [f"{source}: empty; enter the name to print on the ballot paper"]
    return name, []


def _refuse_a_clash(election: Election, name: str) -> None:
    """Two standing candidates whose ballot names a voter could take for one another (case,
    spacing, invisible characters and look-alike letters set aside: `counting.names.name_key`,
    the key the BLT reader refuses by too) could not be told apart, and the exported BLT would
    be refused by the counter. Called inside the nomination's transaction with the election
    locked, so two nominations cannot both pass."""
    key = name_key(name)
    for other in _standing(election).values_list("ballot_name", flat=True):
        if name_key(other) == key:
            raise ElectionError(
                f"ballot name: another candidate in this election already has the ballot name "
                f"{other!r}, which {name!r} cannot be told apart from"
                f"{look_alike_clause(name, other)}: add a middle initial or a description"
            )


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
    received_on: date | None = None,
) -> Candidate:
    """Nominate a member (themself, or recorded by an officer) while nominations are open.
    `received_on`: the day a nomination form on paper reached the returning officer
    (nominate_on_paper checks it)."""
    _require_self_or_returning_officer(actor, member, election, "nominate a member")
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
    problems += _term_limits(election, member, body)
    ballot_name, wrong = _ballot_name(ballot_name, member)
    problems += wrong
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
        # One nomination at a time per election: the ballot-name check below reads the
        # standing candidates, and a nomination made meanwhile could otherwise clash unseen.
        locked = Election.objects.select_for_update().get(pk=election.pk)
        if locked.state_enum != State.NOMINATIONS_OPEN:
            raise ElectionError("nominations are not open")
        if election.candidates.filter(member=member).exists():
            raise ElectionError("candidate: already nominated in this election")
        _refuse_a_clash(election, ballot_name)
        try:
            with transaction.atomic():
                candidate = Candidate.objects.create(
                    organisation=election.organisation,
                    election=election,
                    member=member,
                    ballot_name=ballot_name,
                    statement=statement,
                    declarations=list(declarations),
                    nominated_at=now,
                    received_on=received_on,
                )
        except IntegrityError:
            raise ElectionError("candidate: already nominated in this election") from None
        own = {"organisation": election.organisation}
        candidate.proposers.set(list(proposers), through_defaults=own)
        candidate.seconders.set(list(seconders), through_defaults=own)
        audit.record(
            election.organisation,
            "election.nominated",
            actor=actor,
            subject=candidate,
            data={"election": election.pk, "member": member.number, "words": words}
            | ({"on_paper": True, "received_on": str(received_on)} if received_on else {}),
        )
    return candidate


def nominate_on_paper(
    election: Election,
    member,
    *,
    received_on: date,
    actor,
    now: datetime | None = None,
    **form,
) -> Candidate:
    """A nomination form received on paper, entered by the returning officer: the same checks
    as a nomination made online (the candidate, the proposers and seconders the rulebook asks
    for, the declarations), and the day it was received, within the nomination period."""
    _require("returning_officer", actor, election)
    now = _now(now)
    table = timetable(election)
    opened = timezone.localdate(table.notice_of_election)
    closes = timezone.localdate(table.nominations_close)
    if received_on < opened:
        raise ElectionError(
            f"received on: before the notice of election ({opened.day} {opened:%B %Y}); "
            "nominations were not yet open"
        )
    if received_on > min(timezone.localdate(now), closes):
        if received_on > closes:
            raise ElectionError(
                f"received on: after nominations closed ({closes.day} {closes:%B %Y})"
            )
        raise ElectionError("received on: that day has not come yet")
    return nominate(election, member, actor=actor, now=now, received_on=received_on, **form)


def withdraw(candidate: Candidate, *, actor=None, now: datetime | None = None) -> Candidate:
    """The candidate withdraws (or the returning officer records a withdrawal received on
    paper) until withdrawals close. The election's row is locked before the state is checked,
    so a withdrawal never lands beside a move of the election (the statement of nominations)."""
    _require_self_or_returning_officer(actor, candidate.member, candidate.election, "withdraw")
    now = _now(now)
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=candidate.election_id)
        candidate.refresh_from_db(fields=["status"])
        if election.state_enum not in (State.NOMINATIONS_OPEN, State.NOMINATIONS_CLOSED):
            raise ElectionError("withdrawals are closed")
        if now >= facts(election, now).withdrawals_close:
            raise ElectionError("the last day to withdraw has passed")
        if candidate.status != Candidate.Status.NOMINATED:
            raise ElectionError("this nomination is not standing")
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
    longest = Candidate._meta.get_field("rejection_reason").max_length
    if len(reason) > longest:  # PostgreSQL refuses a longer one: say so, not a 500
        raise ElectionError(f"reason: at most {longest} characters")
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
