"""docs/roles.md, Participation: every rule for every role, and the services refuse those
without it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from participation_helpers import make_members

from mutualise.participation import services
from mutualise.participation.services import ParticipationError
from mutualise.register import services as register

ROLES = ["public", "member", "officer", "board", "chair", "returning_officer", "administrator"]
RUNS = {"officer", "board", "chair", "administrator"}
EXPECTED = {
    "participation.view": set(ROLES),
    "participation.propose": {"member"},
    "participation.support": {"member"},
    "participation.vote": {"member"},
    "participation.moderate": RUNS,
    "participation.run_budget": RUNS,
    "participation.keep_delivery": RUNS,
}


@pytest.fixture
def people(council, django_user_model):
    users = {"public": AnonymousUser()}
    for role in ROLES[1:]:
        users[role] = django_user_model.objects.create_user(role)
        if role != "member":
            register.grant_role(council, users[role], role, actor="test")
    make_members(council, 1, users=[users["member"]])
    return users


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_each_rule_for_each_role(council, people, perm):
    allowed = {role for role, user in people.items() if user.has_perm(perm, council)}
    assert allowed == EXPECTED[perm]


def test_services_refuse_those_without_the_rule(council, people):
    member, officer = people["member"], people["officer"]
    with pytest.raises(ParticipationError, match="may not run participatory budgets"):
        services.set_up_budget(council, {"title": "x", "pot_pence": 100}, actor=member)
    budget = services.set_up_budget(council, {"title": "x", "pot_pence": 100}, actor=officer)
    with pytest.raises(ParticipationError, match="may not run"):
        services.transition(budget, "open_proposals", actor=people["returning_officer"])
    with pytest.raises(ParticipationError, match="may not count"):
        services.count_budget(budget, actor=member)
    with pytest.raises(ParticipationError, match="may not keep delivery records"):
        services.record_decision(
            council, source="resolution", source_ref="r1", title="t", actor=member
        )
    services.record_decision(
        council, source="resolution", source_ref="r1", title="t", actor=people["board"]
    )
    proposer = services.member_for(member, council)
    with pytest.raises(ParticipationError, match="may not make a proposal"):
        services.submit_proposal(council, proposer, title="t", text="x", actor=officer)


def test_a_superuser_with_no_role_runs_no_budget(council, django_user_model):
    """Roles are per organisation: the services and pages ask django-rules, never
    `user.has_perm`, whose superuser shortcut would let an install's superuser with no role here
    set up and run this organisation's budgets."""
    root = django_user_model.objects.create_superuser("root")
    with pytest.raises(ParticipationError, match="may not run participatory budgets"):
        services.set_up_budget(council, {"title": "x", "pot_pence": 100}, actor=root)


def test_a_member_acts_only_as_themself(council, django_user_model):
    """The member who acts is checked in the services too (issue 20 item 3): a signed-in member
    cannot propose, support, withdraw or vote as another member, so a caller other than the
    page (the API, a script with a user) cannot stuff a proposal's support or a budget's
    ballot box."""
    mine, theirs = (django_user_model.objects.create_user(n) for n in ("mine", "theirs"))
    _me, other, third = make_members(council, 3, users=[mine, theirs])
    with pytest.raises(ParticipationError, match="only as themself"):
        services.submit_proposal(council, other, title="t", text="x", actor=mine)
    proposal = services.submit_proposal(council, other, title="t", text="x", actor=theirs)
    with pytest.raises(ParticipationError, match="only as themself"):
        services.support_proposal(proposal, third, actor=mine)
    with pytest.raises(ParticipationError, match="only as themself"):
        services.withdraw_proposal(proposal, other, actor=mine)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.supporters) == ("open", 0)
    budget = services.set_up_budget(council, {"title": "x", "pot_pence": 100}, actor="test")
    with pytest.raises(ParticipationError, match="only as themself"):
        services.cast_ballot(budget, other, [("P1", 1)], actor=mine)
    assert services.withdraw_proposal(proposal, other, actor=theirs).state == "withdrawn"
