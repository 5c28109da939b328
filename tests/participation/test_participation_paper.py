"""Paper budget ballots keyed twice: the first keying holds no choices and no member in the clear;
a matching second keying by someone else casts it as online (then mixed); a mismatch, the same
person twice, or a member who has voted is refused."""

from datetime import date, timedelta

import pytest
from participation_helpers import at, make_members

from mutualise.participation import services
from mutualise.participation.models import (
    BudgetPaperKeying,
    BudgetVoteRecord,
    HeldBudgetBallot,
)
from mutualise.participation.services import ParticipationError
from mutualise.register import services as register

DAY = date(2026, 6, 1)


@pytest.fixture
def voting(council):
    budget = services.set_up_budget(council, {"title": "Parks", "pot_pence": 10_000_00}, actor="t")
    services.transition(budget, "open_proposals", actor="t")
    for title in ("Benches", "Bins", "Trees"):
        services.add_project(budget, title=title, cost_pence=1_000_00, actor="t")
    services.transition(budget, "start_review", actor="t")
    for project in budget.projects.all():
        services.review_project(project, accept=True, actor="t")
    services.set_voting_window(budget, at(DAY), at(DAY + timedelta(days=14)), actor="t")
    return services.transition(budget, "open_voting", actor="t", now=at(DAY))


def test_two_matching_keyings_cast_and_nothing_holds_the_choices_between(voting):
    member = make_members(voting.organisation, 1)[0]
    number = str(member.number)
    assert not services.key_paper_ballot(voting, number, [("P1", 1), ("P3", 1)], actor="ann")
    keying = BudgetPaperKeying.objects.get()
    held = [str(v) for v in BudgetPaperKeying.objects.values_list(
        "member_digest", "choices_digest", "keyed_by_name").get()]  # fmt: skip
    assert not any("P1" in v or "P3" in v or v == str(member.pk) for v in held[:2])
    assert not BudgetVoteRecord.objects.exists() and not HeldBudgetBallot.objects.exists()
    with pytest.raises(ParticipationError, match="someone else"):
        services.key_paper_ballot(voting, number, [("P1", 1), ("P3", 1)], actor="ann")
    with pytest.raises(ParticipationError, match="does not match the first"):
        services.key_paper_ballot(voting, number, [("P1", 1)], actor="bob")
    # Both discarded: a kept first keying let "bob" try choices until one matched (issue 10).
    assert not BudgetPaperKeying.objects.filter(pk=keying.pk).exists()
    assert not services.key_paper_ballot(voting, number, [("P1", 1), ("P3", 1)], actor="ann")
    assert services.key_paper_ballot(voting, number, [("P1", 1), ("P3", 1)], actor="bob")
    assert not BudgetPaperKeying.objects.exists()
    assert BudgetVoteRecord.objects.get(member=member).channel == "paper"
    assert HeldBudgetBallot.objects.count() == 1
    with pytest.raises(ParticipationError, match="has already voted"):
        services.key_paper_ballot(voting, number, [("P2", 1)], actor="cat")
    with pytest.raises(ParticipationError, match="already voted"):
        services.cast_ballot(voting, member, [("P2", 1)], now=at(DAY, 13))


def test_bad_papers_are_refused_and_a_keying_can_be_discarded(voting):
    member = make_members(voting.organisation, 1)[0]
    with pytest.raises(ParticipationError, match="no member number 999"):
        services.key_paper_ballot(voting, "999", [("P1", 1)], actor="ann")
    with pytest.raises(ParticipationError, match="not on this ballot"):
        services.key_paper_ballot(voting, str(member.number), [("P9", 1)], actor="ann")
    services.key_paper_ballot(voting, str(member.number), [("P1", 1)], actor="ann")
    assert services.discard_paper_keying(voting, str(member.number), actor="ann")
    assert not BudgetPaperKeying.objects.exists()


def test_the_paper_screen_keys_twice(client, voting, django_user_model):
    org = voting.organisation
    member = make_members(org, 1)[0]
    officers = []
    for name in ("olive", "oscar"):
        user = django_user_model.objects.create_user(name, password="pw")
        register.grant_role(org, user, "officer", actor="t")
        officers.append(user)
    url = f"/o/{org.slug}/participation/budgets/{voting.pk}/paper/"
    client.force_login(officers[0])
    bad = client.post(url, {"member": "abc", "project": ["P1"]})
    assert bad.status_code == 400 and 'href="#id_member"' in bad.content.decode()
    client.post(url, {"member": member.number, "project": ["P1", "P2"]})
    assert "1 paper keyed once" in client.get(url).content.decode()
    client.force_login(officers[1])
    client.post(url, {"member": member.number, "project": ["P1", "P2"]})
    assert BudgetVoteRecord.objects.get(member=member).channel == "paper"
    client.force_login(django_user_model.objects.create_user("mo", password="pw"))
    assert client.get(url).status_code == 403
