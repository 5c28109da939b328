"""A cast (online or a paper's second keying) that began while the budget was in voting, and
commits after the count: it must be refused, not kept as a vote record with a held ballot that
no count will ever read (the member marked as voted, the ballot lost).

A web request loads the budget, checks it is in voting, then writes; the count can commit in
between. The stale `Budget` object handed to the service here is that request's view of it."""

from datetime import timedelta

import pytest
from participation_helpers import at, make_members
from test_participation_budgets import DAY, budget_in_review, open_voting

from mutualise.participation import services
from mutualise.participation.models import Budget, BudgetVoteRecord, HeldBudgetBallot
from mutualise.participation.services import ParticipationError

AFTER_CLOSE = at(DAY + timedelta(days=15))


def _counted_behind_a_stale_copy(council):
    budget, projects = budget_in_review(council, [("Benches", 1_000_00), ("Trees", 2_000_00)])
    for project in projects:
        services.review_project(project, accept=True, actor="test")
    budget = open_voting(budget)
    stale = Budget.objects.get(pk=budget.pk)  # a request's copy, read while voting was open
    services.count_budget(budget, actor="test", now=AFTER_CLOSE)
    assert Budget.objects.get(pk=budget.pk).state == "results"
    return stale


def test_an_online_cast_racing_the_count_is_refused(council):
    (member,) = make_members(council, 1)
    stale = _counted_behind_a_stale_copy(council)
    with pytest.raises(ParticipationError, match="voting is not open"):
        # cast just before the close, committing after the count
        services.cast_ballot(stale, member, [("P1", 1)], now=at(DAY + timedelta(days=13)))
    assert not BudgetVoteRecord.objects.filter(budget=stale).exists()
    assert not HeldBudgetBallot.objects.filter(budget=stale).exists()


def test_a_paper_keying_racing_the_count_is_refused(council, django_user_model):
    (member,) = make_members(council, 1)
    stale = _counted_behind_a_stale_copy(council)
    first = services.key_paper_ballot(stale, str(member.number), [("P1", 1)], actor="clerk one")
    assert first is False  # a first keying writes no vote and is deleted at the next attempt
    with pytest.raises(ParticipationError, match="voting is not open"):
        services.key_paper_ballot(stale, str(member.number), [("P1", 1)], actor="clerk two")
    assert not BudgetVoteRecord.objects.filter(budget=stale).exists()
    assert not HeldBudgetBallot.objects.filter(budget=stale).exists()
