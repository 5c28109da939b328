"""A participatory budget from ideas to delivery, on the real database: phases and their
guards, review reasons, eligibility from the register, ballot rules, one person one ballot,
secrecy by construction, the count on the pure rules, and delivery records."""

from datetime import date, timedelta

import pytest
from participation_helpers import at, make_members

from mutualise.audit.models import AuditEvent
from mutualise.budgeting.add1 import mes_add1
from mutualise.budgeting.pb import parse_pb
from mutualise.participation import services
from mutualise.participation.models import (
    Budget,
    BudgetBallot,
    BudgetProject,
    BudgetVoteRecord,
    Delivery,
    HeldBudgetBallot,
)
from mutualise.participation.services import ParticipationError

DAY = date(2026, 6, 1)


def budget_in_review(org, projects):
    budget = services.set_up_budget(
        org, {"title": "Parks 2026", "pot_pence": 10_000_00}, actor="test"
    )
    services.transition(budget, "open_proposals", actor="test")
    made = [
        services.add_project(budget, title=title, cost_pence=cost, actor="test")
        for title, cost in projects
    ]
    services.transition(budget, "start_review", actor="test")
    return budget, made


def open_voting(budget):
    services.set_voting_window(budget, at(DAY), at(DAY + timedelta(days=14)), actor="test")
    return services.transition(budget, "open_voting", actor="test", now=at(DAY))


def test_rulebook_defaults_and_guards(council):
    budget = services.set_up_budget(
        council, {"title": "Parks", "pot_pence": 5_000_00}, actor="test"
    )
    assert (budget.rule, budget.ballot_kind, budget.max_projects, budget.minimum_age) == (
        "mes-add1",
        "approval",
        5,
        11,
    )
    services.transition(budget, "open_proposals", actor="test")
    with pytest.raises(ParticipationError, match="no project has been put forward"):
        services.transition(budget, "start_review", actor="test")
    project = services.add_project(budget, title="Benches", cost_pence=1_000_00, actor="test")
    services.transition(budget, "start_review", actor="test")
    with pytest.raises(ParticipationError, match="1 projects still await review"):
        services.transition(budget, "open_voting", actor="test")
    with pytest.raises(ParticipationError, match="say why the project is left out"):
        services.review_project(project, accept=False, actor="test")
    services.review_project(
        project, accept=False, reason="the council already funds it", actor="test"
    )
    with pytest.raises(ParticipationError, match="no project is on the ballot"):
        services.transition(budget, "open_voting", actor="test")


def test_members_cannot_run_a_budget(council, django_user_model):
    user = django_user_model.objects.create_user("m1")
    make_members(council, 1, users=[user])
    with pytest.raises(ParticipationError, match="may not run participatory budgets"):
        services.set_up_budget(council, {"title": "x", "pot_pence": 100}, actor=user)


def test_full_budget_counted_by_equal_shares(council):
    members = make_members(council, 6)
    budget, (a, b, c) = budget_in_review(
        council, [("Playground", 6_000_00), ("Library hours", 3_000_00), ("Bins", 2_000_00)]
    )
    for project in (a, b, c):
        services.review_project(project, accept=True, actor="test")
    open_voting(budget)
    votes = [["P1"], ["P1"], ["P1", "P2"], ["P2"], ["P3"], ["P3", "P2"]]
    for member, codes in zip(members, votes, strict=True):
        services.cast_ballot(budget, member, [(c, 1) for c in codes], now=at(DAY, 13))
    with pytest.raises(ParticipationError, match="already voted"):
        services.cast_ballot(budget, members[0], [("P2", 1)], now=at(DAY, 14))
    assert HeldBudgetBallot.objects.filter(budget=budget).count() == 6
    with pytest.raises(ParticipationError, match="voting stays open"):
        services.count_budget(budget, actor="test", now=at(DAY, 15))
    budget = services.count_budget(budget, actor="test", now=at(DAY + timedelta(days=15)))
    assert budget.state == "results"
    assert HeldBudgetBallot.objects.filter(budget=budget).count() == 0
    assert BudgetBallot.objects.filter(budget=budget).count() == 6
    # The same count from the published anonymised ballots: anyone can redo it.
    published = parse_pb(services.pb_text(budget))
    assert mes_add1(published).selected == budget.result["selected"]
    funded = set(
        BudgetProject.objects.filter(budget=budget, funded=True).values_list("code", flat=True)
    )
    assert funded == set(budget.result["selected"])
    assert all(p.outcome for p in BudgetProject.objects.filter(budget=budget))
    assert Delivery.objects.filter(organisation=council, source="budget_project").count() == len(
        funded
    )
    assert AuditEvent.objects.filter(organisation=council, action="budget.counted").exists()


def test_secret_ballot_tables_share_nothing(council):
    fields = {f.name for f in BudgetBallot._meta.get_fields()}
    assert fields == {"id", "organisation", "budget", "choices"}
    assert BudgetBallot._meta.ordering == ["budget", "id"]
    held = {f.name for f in HeldBudgetBallot._meta.get_fields()}
    assert "member" not in held and not any(f == "at" or f.endswith("_at") for f in held)
    record = {f.name for f in BudgetVoteRecord._meta.get_fields()}
    assert "choices" not in record


def test_eligibility_from_the_register(council):
    young = make_members(council, 1, born=date(2020, 1, 1))[0]
    elsewhere = make_members(council, 1, area="E09000033")[0]
    staff = make_members(council, 1, constituency="staff")[0]
    fine = make_members(council, 1)[0]
    budget = services.set_up_budget(
        council,
        {
            "title": "Lambeth parks",
            "pot_pence": 1_000_00,
            "constituency_id": "residents",
            "local_authority_code": "E09000022",
        },
        actor="test",
    )
    now = at(DAY)
    assert services.eligibility(budget, fine, now).allowed
    assert "11 or over" in services.eligibility(budget, young, now).reason
    assert "its area" in services.eligibility(budget, elsewhere, now).reason
    assert "residents constituency" in services.eligibility(budget, staff, now).reason


@pytest.mark.parametrize(
    ("kind", "extra", "ballot", "error"),
    [
        ("approval", {"max_projects": 1}, [("P1", 1), ("P2", 1)], "at most 1 projects"),
        ("approval", {"spending_limit": True}, [("P1", 1), ("P2", 1)], "more than the"),
        ("cumulative", {"points": 5}, [("P1", 4), ("P2", 2)], "at most 5 points"),
        ("scoring", {"max_score": 3}, [("P1", 4)], "from 0 to 3"),
        ("ordinal", {"ranks": 1}, [("P1", 1), ("P2", 1)], "rank at most 1"),
        ("approval", {}, [("P9", 1)], "P9 is not on this ballot"),
        ("approval", {}, [("P1", 1), ("P1", 1)], "chosen twice"),
    ],
)
def test_ballot_rules(council, kind, extra, ballot, error):
    budget, projects = budget_in_review(council, [("A", 6_000_00), ("B", 5_000_00)])
    Budget.objects.filter(pk=budget.pk).update(ballot_kind=kind, rule="greedy", **extra)
    budget.refresh_from_db()
    for project in projects:
        services.review_project(project, accept=True, actor="test")
    with pytest.raises(ParticipationError, match=error):
        services.validate(budget, ballot)


def test_cumulative_budget_counts_by_greedy(council):
    members = make_members(council, 3)
    budget, projects = budget_in_review(
        council, [("A", 6_000_00), ("B", 5_000_00), ("C", 4_000_00)]
    )
    Budget.objects.filter(pk=budget.pk).update(ballot_kind="cumulative", rule="greedy")
    budget.refresh_from_db()
    for project in projects:
        services.review_project(project, accept=True, actor="test")
    open_voting(budget)
    for member, ballot in zip(
        members, [[("A", 6), ("C", 4)], [("B", 10)], [("C", 10)]], strict=True
    ):
        services.cast_ballot(
            budget, member, [(f"P{'ABC'.index(c) + 1}", p) for c, p in ballot], now=at(DAY, 13)
        )
    budget = services.count_budget(budget, actor="test", now=at(DAY + timedelta(days=15)))
    # Scores: C 14, B 10, A 6. C (40.00) fits, B (50.00) fits, A (60.00) no longer does.
    assert budget.result["selected"] == ["P3", "P2"]
    assert "only £1,000.00 was left" in BudgetProject.objects.get(budget=budget, code="P1").outcome
