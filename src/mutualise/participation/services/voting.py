"""Voting in a participatory budget: who may vote, what a valid ballot is, casting it once and
in secret.

Secrecy. The record that a member voted and the ballot's contents share no key, no time and no
transaction: the ballot is written first, alone, into a holding table with a random id; then, in
a second transaction, the record. When voting closes the count moves every held ballot to the
final table in shuffled order in one transaction (counting.py), so its rows, ids and transaction
ids say nothing about when each was cast. Until then the holding table's rows sit in commit order
beside the records' (a copy of the database taken during voting could match them by transaction
id order): that is the gap the elections app's mixer (moving held ballots in shuffled batches of
K during the poll) closes; it has not landed yet, so this is the interim, and the limit is stated.
If the second transaction fails (the member voted meanwhile), the held ballot is deleted by its
id, which only this request knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from mutualise.audit import services as audit
from mutualise.constitution.calendar import age_on

from ..lifecycle import BudgetState
from ..models import Budget, BudgetProject, BudgetVoteRecord, HeldBudgetBallot
from .common import ParticipationError, now_or, require, today


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""


def eligibility(budget: Budget, member, now=None) -> Eligibility:
    """Whether this member may vote in this budget, from the register, and if not why not."""
    from mutualise.register import services as register

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
    with transaction.atomic():
        held = HeldBudgetBallot.objects.create(
            organisation=organisation, budget=budget, choices=[list(c) for c in clean]
        )
    try:
        with transaction.atomic():
            BudgetVoteRecord.objects.create(
                organisation=organisation, budget=budget, member=member, channel=channel
            )
            audit.record(
                organisation,
                "budget.voted",
                actor=actor,
                subject=budget,
                data={"member": member.number, "channel": channel},
            )
    except IntegrityError:
        HeldBudgetBallot.objects.filter(pk=held.pk).delete()
        raise ParticipationError("you have already voted in this budget") from None
