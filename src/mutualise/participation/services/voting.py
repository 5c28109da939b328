"""Voting in a participatory budget: who may vote, what a valid ballot is, casting it once and
in secret.

Secrecy (docs/secrecy.md, the elections design; mixing.py): the vote record (a random key) and
the ballot, sealed with that key under a key kept outside the database, are written in ONE
transaction, so an acknowledged ballot is never lost and a record never exists without its
ballot; whoever reads the database sees that they belong together, not what the ballot says.
The mixer, after about one cast in K and at the count, opens shuffled batches of at least K into
the final table and rewrites their records under fresh keys. No audit event is written per
ballot (the marked register is the records; the count is audited with the total).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction

from mutualise.constitution.calendar import age_on
from mutualise.register import services as register

from .. import mixing
from ..lifecycle import BudgetState
from ..models import Budget, BudgetProject, BudgetVoteRecord, HeldBudgetBallot
from .common import ParticipationError, now_or, require, require_self, today

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""


def eligibility(budget: Budget, member, now=None) -> Eligibility:
    """Whether this member may vote in this budget, from the register, and if not why not."""
    on = today(now)
    members = register.active_members(
        budget.organisation, on=on, constituency_id=(budget.constituency_id or None)
    )
    if not members.filter(pk=member.pk).exists():
        if budget.constituency_id:
            return Eligibility(
                False, f"this budget is for members of the {budget.constituency_id} constituency"
            )
        return Eligibility(False, "only current members may vote")
    if budget.local_authority_code and member.local_authority_code != budget.local_authority_code:
        return Eligibility(False, "this budget is for members who live in its area")
    if budget.minimum_age:
        if member.date_of_birth is None:
            return Eligibility(
                False,
                f"voters must be {budget.minimum_age} or over, and the "
                "register has no date of birth for you",
            )
        if age_on(member.date_of_birth, on) < budget.minimum_age:
            return Eligibility(False, f"voters must be {budget.minimum_age} or over")
    return Eligibility(True)


def has_voted(budget: Budget, member) -> bool:
    return BudgetVoteRecord.objects.filter(budget=budget, member=member).exists()


def validate(budget: Budget, choices: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A ballot as [(project code, points)], checked against the budget's ballot rules."""
    on_ballot = {
        p.code: p
        for p in BudgetProject.objects.filter(budget=budget, review=BudgetProject.Review.ACCEPTED)
    }
    seen = set()
    clean = []
    for code, points in choices:
        if code not in on_ballot:
            raise ParticipationError(f"project {code} is not on this ballot")
        if code in seen:
            raise ParticipationError(f"project {code} is chosen twice")
        seen.add(code)
        clean.append((code, int(points)))
    kind = budget.ballot_kind
    if kind == "approval":
        clean = [(c, 1) for c, _ in clean]
        if len(clean) < budget.min_projects:
            raise ParticipationError(f"choose at least {budget.min_projects} projects")
        if budget.max_projects and len(clean) > budget.max_projects:
            raise ParticipationError(f"choose at most {budget.max_projects} projects")
        if budget.spending_limit:
            total = sum(on_ballot[c].cost_pence for c, _ in clean)
            if total > budget.pot_pence:
                raise ParticipationError(
                    f"your choices cost £{total / 100:,.2f}, more than the £"
                    f"{budget.pot_pence / 100:,.2f} to share out"
                )
    elif kind == "cumulative":
        clean = [(c, p) for c, p in clean if p]
        if any(p < 0 for _, p in clean):
            raise ParticipationError("points cannot be negative")
        if sum(p for _, p in clean) > budget.points:
            raise ParticipationError(f"share out at most {budget.points} points")
        clean.sort(key=lambda cp: -cp[1])  # pabulib: cumulative ballots in decreasing points
    elif kind == "scoring":
        clean = [(c, p) for c, p in clean if p]
        if any(p < 0 or p > budget.max_score for _, p in clean):
            raise ParticipationError(f"score each project from 0 to {budget.max_score}")
    elif kind == "ordinal":
        clean = [(c, 1) for c, _ in clean]  # in the voter's order, best first
        if len(clean) > budget.ranks:
            raise ParticipationError(f"rank at most {budget.ranks} projects")
    if not clean:
        raise ParticipationError("the ballot chooses no project")
    return clean


def cast_ballot(
    budget: Budget,
    member,
    choices: list[tuple[str, int]],
    *,
    channel="online",
    actor=None,
    now=None,
) -> None:
    organisation = budget.organisation
    require(actor, "participation.vote", organisation, "vote in participatory budgets")
    require_self(actor, member, "vote")
    if budget.state != BudgetState.VOTING:
        raise ParticipationError("voting is not open in this budget")
    moment = now_or(now)
    if budget.voting_opens_at and moment < budget.voting_opens_at:
        raise ParticipationError("voting has not opened yet")
    if budget.voting_closes_at and moment >= budget.voting_closes_at:
        raise ParticipationError("voting has closed")
    allowed = eligibility(budget, member, now)
    if not allowed.allowed:
        raise ParticipationError(f"you may not vote in this budget: {allowed.reason}")
    if has_voted(budget, member):
        raise ParticipationError("you have already voted in this budget")
    clean = validate(budget, choices)
    try:
        with transaction.atomic():
            record(budget, member, clean, channel)
    except IntegrityError:
        raise ParticipationError("you have already voted in this budget") from None
    _mix_after_cast(budget)


def record(budget: Budget, member, clean: list[tuple[str, int]], channel: str) -> None:
    """The vote record and the sealed ballot, in the caller's transaction (raises IntegrityError
    if the member has voted). `clean` has been through `validate`.

    The budget's state is read again here, under a share lock the count's update lock waits
    for: a cast checked against a copy read while voting was open could otherwise commit after
    the count had mixed and counted, leaving a vote record and a ballot no count will read."""
    _still_voting(budget)
    record_id = uuid.uuid4()
    BudgetVoteRecord.objects.create(
        id=record_id,
        organisation=budget.organisation,
        budget=budget,
        member=member,
        channel=channel,
    )
    HeldBudgetBallot.objects.create(
        organisation=budget.organisation,
        budget=budget,
        sealed=mixing.seal_cast(clean, record_id),
    )


def _still_voting(budget: Budget) -> None:
    """Inside the cast's transaction. PostgreSQL: FOR SHARE lets casts run side by side but
    not beside the count (select_for_update); SQLite's IMMEDIATE transactions run one at a time,
    so the state read here is the committed one."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT state FROM participation_budget WHERE id = %s FOR SHARE", [budget.pk]
            )
            (state,) = cursor.fetchone()
    else:
        state = Budget.objects.filter(pk=budget.pk).values_list("state", flat=True).get()
    if state != BudgetState.VOTING:
        raise ParticipationError("voting is not open in this budget")


def _mix_after_cast(budget: Budget) -> None:
    """The cast has committed; a mixer that fails leaves its batch held for the next one."""
    try:
        mixing.after_cast(budget)
    except Exception:  # noqa: BLE001 - the ballot is safe; the count mixes what is left
        logger.exception("mixing budget ballots after a cast failed; it will be retried")
