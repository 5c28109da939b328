"""The lifecycle's transitions and their effects: transition, void."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import models, transaction

from mutualise.audit import services as audit
from mutualise.constitution.calendar import add_period
from mutualise.counting.result import CountError

from .. import lifecycle, mixing, seats, tally
from ..models import (
    Ballot,
    Candidate,
    Election,
    OfficeTerm,
    VoteRecord,
)
from ..sealed import SEALED_ACTION
from .common import ElectionError, _now, _require, _standing, facts
from .nominations import _assign_positions, _close_nominations, ballot_candidates
from .setup import after_declaring


def transition(election: Election, name: str, *, actor=None, now: datetime | None = None):
    """Move the election along the lifecycle, or raise ElectionError saying why not."""
    if name not in lifecycle.BY_NAME:
        raise ElectionError(f"unknown step '{name}'; steps are {', '.join(lifecycle.BY_NAME)}")
    _require("returning_officer", actor, election)
    step = lifecycle.BY_NAME[name]
    special = {
        "close_nominations": _close_nominations,
        "declare_uncontested": _declare_uncontested,
        "open_poll": _open_poll,
        "close_poll": _close_poll,
        "count": _count,
        "declare": _declare,
    }
    original = election
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        allowed, reason = lifecycle.check(name, facts(election, now))
        if not allowed:
            raise ElectionError(f"cannot {step.label.lower()}: {reason}")
        data = special[name](election, _now(now)) if name in special else {}
        election.state = step.target
        election.save()
        if name in ("declare", "declare_uncontested"):
            data.update(after_declaring(election, data["vacancies_left"], actor, now))
        audit.record(
            election.organisation, step.audit_action, actor=actor, subject=election, data=data
        )
    original.refresh_from_db()
    return original


def void(election: Election, *, reason: str, actor=None) -> Election:
    if not reason.strip():
        raise ElectionError("reason: say why the election is void")
    longest = Election._meta.get_field("void_reason").max_length
    if len(reason) > longest:  # PostgreSQL refuses a longer one: say so, not a 500
        raise ElectionError(f"reason: at most {longest} characters")
    with transaction.atomic():
        Election.objects.filter(pk=election.pk).update(void_reason=reason)
        return transition(election, "void", actor=actor)


# ---------------------------------------------------------------------------------------------
# Opening, closing, counting and declaring (called inside `transition`)


def _declare_uncontested(election: Election, now: datetime) -> dict:
    _assign_positions(election)
    standing = ballot_candidates(election)
    _standing(election).update(elected=True, elected_unopposed=True)
    _record_terms(election, [c.pk for c in standing], now)
    election.declared_at = now
    return {
        "elected_unopposed": [c.member.number for c in standing],
        "vacancies_left": election.vacancies - len(standing),
    }


def _open_poll(election: Election, now: datetime) -> dict:
    election.poll_opened_at = now
    data = {
        "voters": election.roll.filter(removed=False).count(),
        "candidates": _standing(election).count(),
    }
    if tally.is_approval_vote(election):
        # elections.when_uncontested: hold-approval-vote. Each voter marks every candidate
        # they approve of; each needs more than half of the valid ballots (tally.py).
        data["approval_vote"] = {"method_was": election.method}
        election.method, election.method_options = "approval", {}
    return data


def _close_poll(election: Election, now: datetime) -> dict:
    election.poll_closed_at = now
    by_channel = dict(
        VoteRecord.objects.filter(election=election)
        .values_list("channel")
        .annotate(n=models.Count("id"))
        .order_by("channel")
    )
    cast = Ballot.objects.filter(election=election).count() + mixing.waiting(election)
    return {"ballots": cast, "by_channel": by_channel}


def _count(election: Election, now: datetime) -> dict:
    # The last batch: every ballot still sealed (at least K of them, or all if fewer voted),
    # with any postal ballots keyed since the close.
    mixing.mix(election, final=True)
    # One ballot per "has voted" record, or the box was written to outside casting (a ballot
    # added or removed in the database): the count is refused, naming both numbers.
    ballots = Ballot.objects.filter(election=election).count()
    voted = VoteRecord.objects.filter(election=election).count()
    if ballots != voted:
        raise ElectionError(
            f"the ballot box holds {ballots} ballots for {voted} members recorded as having "
            "voted: ballots were added or removed outside casting, so it is not counted; "
            "the returning officer must investigate (mutualise audit verify)"
        )
    # The ballots as counted, sealed into the audit chain: `audit verify` names any changed later.
    try:
        sealed = audit.seal_ballots(election.organisation, SEALED_ACTION, subject=election)
    except audit.BatchesDoNotAddUp as error:
        raise ElectionError(
            f"the ballot box is not as the mixer left it ({error}), so it is not counted; "
            "the returning officer must investigate (mutualise audit verify)"
        ) from None
    _as_closed(election, ballots)
    election.seed = secrets.randbelow(2**31)
    try:
        outcome = tally.count_election(election)
    except CountError as exc:
        # The rule cannot count these ballots (none valid: it would otherwise elect by lot from
        # zero votes). Refused in words; the transaction leaves the election closed, uncounted.
        raise ElectionError(_uncountable(exc, ballots)) from exc
    election.result = outcome.result_data
    election.report_text = outcome.report_text
    election.turnout = outcome.turnout
    election.counted_at = now
    return {
        "ballots": outcome.turnout["ballots"],
        "elected": outcome.result_data["elected_names"],
        "seed": election.seed,
        "ballots_sha256": sealed.data["ballots_sha256"],
    }


def _as_closed(election: Election, ballots: int) -> None:
    """The box holds at least what the close of poll recorded (more only by postal ballots keyed
    since). Asked after the chain was walked (seal_ballots), so the close event is authentic:
    one missing means the chain was cut back to an older head, restored from a copy of the
    database, taking the last batch events with it."""
    closed = audit.latest_event(election.organisation, election, "election.poll_closed")
    at_close = None if closed is None else closed.data.get("ballots")
    if closed is None or closed.redacted_at is not None or ballots < int(at_close or 0):
        raise ElectionError(
            f"the ballot box holds {ballots} ballots but the close of poll recorded "
            f"{at_close if at_close is not None else 'nothing (its event is missing)'}: the "
            "box or the audit chain was cut back, so it is not counted; the returning officer "
            "must investigate (mutualise audit verify --expect a published chain head)"
        )


def _uncountable(exc: CountError, ballots: int) -> str:
    text = f"cannot count the votes: {exc}"
    if ballots == 0:
        return (
            f"{text}: nobody voted, so no one can be elected; void the election (giving the "
            "reason) to hold it again"
        )
    if "no valid ballots" in str(exc):
        return (
            f"{text}: none of the {ballots} ballots marks a standing candidate, so no one can "
            "be elected; void the election (giving the reason) to hold it again"
        )
    return text


def _record_terms(election: Election, candidate_ids: list[int], now: datetime) -> None:
    body = election.organisation.constitution.body(election.body_id)
    _, group = seats.seat_group(
        election.organisation.constitution, election.body_id, election.seat_group_id
    )
    years = (group.term or body.term).years
    start = election.close_of_poll + timedelta(days=1)
    for candidate in Candidate.objects.filter(pk__in=candidate_ids).select_related("member"):
        OfficeTerm.objects.create(
            organisation=election.organisation,
            body_id=election.body_id,
            seat_group_id=election.seat_group_id,
            member=candidate.member,
            holder_name=candidate.ballot_name,
            started_on=start,
            ends_on=add_period(start, years, "years"),  # 29 February: 28 February
            election=election,
        )


def _declare(election: Election, now: datetime) -> dict:
    elected_positions = election.result["elected_positions"]
    elected = list(_standing(election).filter(position__in=elected_positions))
    Candidate.objects.filter(pk__in=[c.pk for c in elected]).update(elected=True)
    _record_terms(election, [c.pk for c in elected], now)
    election.declared_at = now
    return {
        "elected": [c.member.number for c in elected],
        "vacancies_left": election.vacancies - len(elected),
        "turnout": election.turnout,
    }
