"""Setting a budget up and changing it until voting opens: through the service (every problem at
its field at once, permission, audit) and through the form (pounds to pence, Europe/London)."""

from datetime import datetime

import pytest
from participation_helpers import make_members

from mutualise.audit.models import AuditEvent
from mutualise.constitution.calendar import LONDON
from mutualise.participation import services
from mutualise.participation.models import Budget
from mutualise.participation.services import BudgetSettingsError, ParticipationError
from mutualise.register import services as register

FORM = {
    "title": "Parks 2027",
    "pot": "25,000.50",
    "rule": "greedy",
    "ballot_kind": "cumulative",
    "points": "12",
    "max_score": "5",
    "ranks": "3",
    "min_projects": "0",
    "max_projects": "",
    "minimum_age": "16",
    "local_authority_code": "e09000022",
    "voting_opens_at_day": "1",
    "voting_opens_at_month": "7",
    "voting_opens_at_year": "2027",
    "voting_opens_at_time": "09:00",
    "voting_closes_at_day": "15",
    "voting_closes_at_month": "7",
    "voting_closes_at_year": "2027",
    "voting_closes_at_time": "17:30",
}


@pytest.fixture
def officer(council, django_user_model):
    user = django_user_model.objects.create_user("olive", password="pw")
    register.grant_role(council, user, "officer", actor="t")
    return user


def test_every_problem_is_reported_at_its_field(council):
    with pytest.raises(BudgetSettingsError) as caught:
        services.set_up_budget(
            council,
            {"title": " ", "pot_pence": 0, "rule": "lottery", "min_projects": 4,
             "max_projects": 2, "local_authority_code": "nowhere", "constituency_id": "mars",
             "voting_opens_at": datetime(2027, 7, 2, tzinfo=LONDON),
             "voting_closes_at": datetime(2027, 7, 1, tzinfo=LONDON)},
            actor="t",
        )  # fmt: skip
    fields = [field for field, _ in caught.value.errors]
    assert fields == [
        "title", "pot", "rule", "max_projects", "constituency_id", "local_authority_code",
        "voting_closes_at",
    ]  # fmt: skip
    assert not Budget.objects.exists()


def test_changed_until_voting_opens_and_audited(council, django_user_model):
    budget = services.set_up_budget(council, {"title": "Parks", "pot_pence": 100_00}, actor="t")
    assert budget.rule == "mes-add1" and budget.max_projects == 5  # the rulebook's defaults
    services.update_budget(budget, {"pot_pence": 200_00, "ballot_kind": "scoring"}, actor="t")
    assert (budget.pot_pence, budget.ballot_kind) == (200_00, "scoring")
    event = AuditEvent.objects.get(action="budget.settings_changed")
    assert event.data == {"pot_pence": 200_00, "ballot_kind": "scoring"}
    member_user = django_user_model.objects.create_user("mo", password="pw")
    make_members(council, 1, users=[member_user])
    with pytest.raises(ParticipationError, match="may not run participatory budgets"):
        services.update_budget(budget, {"pot_pence": 1}, actor=member_user)
    Budget.objects.filter(pk=budget.pk).update(state="voting")
    with pytest.raises(ParticipationError, match="fixed once voting has opened"):
        services.update_budget(budget, {"pot_pence": 300_00}, actor="t")


def test_the_form_sets_a_budget_up_and_edits_it(client, council, officer):
    url = f"/o/{council.slug}/participation/budgets/new/"
    assert client.get(url).status_code in (302, 403)
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert 'value="mes-add1" checked' in page  # the rulebook's default, filled in
    bad = client.post(url, FORM | {"pot": "lots", "voting_closes_at_day": "31",
                                   "voting_closes_at_month": "2", "points": "x"})  # fmt: skip
    text = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in text
    assert 'href="#id_pot"' in text and 'href="#id_voting_closes_at_day"' in text
    assert 'href="#id_points"' in text and "Voting closes must be a real date" in text
    assert 'value="lots"' in text  # what was typed is shown again
    response = client.post(url, FORM)
    budget = Budget.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/budgets/{budget.pk}/")
    assert budget.pot_pence == 25_000_50 and budget.points == 12 and budget.minimum_age == 16
    assert budget.local_authority_code == "E09000022" and budget.max_projects is None
    assert budget.voting_opens_at == datetime(2027, 7, 1, 9, 0, tzinfo=LONDON)
    assert budget.voting_closes_at.utcoffset() is not None
    settings = f"/o/{council.slug}/participation/budgets/{budget.pk}/settings/"
    page = client.get(settings).content.decode()
    assert 'value="25000.50"' in page and 'value="17:30"' in page
    client.post(settings, FORM | {"pot": "30000"})
    budget.refresh_from_db()
    assert budget.pot_pence == 30_000_00
    Budget.objects.filter(pk=budget.pk).update(state="voting")
    assert client.get(settings).status_code == 302
