"""Issue 20, item 5: the rulebook's `participation.budgets.review_days` and `voting_days` drive a
budget's voting window: the set-up form offers voting opening when the review period ends and
staying open for the voting window, and a window shorter than the rulebook's is refused in words
at its field (through the service, the form and `set_voting_window`)."""

from datetime import datetime, timedelta

import pytest

from mutualise.constitution import model_path
from mutualise.constitution.calendar import LONDON
from mutualise.participation import services
from mutualise.participation.services import BudgetSettingsError, ParticipationError
from mutualise.participation.services.setup import suggested_window
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
OPENS = datetime(2027, 7, 1, 9, 0, tzinfo=LONDON)
BUDGETS = "  budgets:\n"


def _org(slug, **budgets):
    """The co-operative council board's rulebook with these `participation.budgets` fields."""
    text = model_path("cooperative-council-board").read_text(encoding="utf-8")
    assert text.count(BUDGETS) == 1
    added = "".join(f"    {field}: {value}\n" for field, value in budgets.items())
    return register.create_organisation(
        name=f"Council {slug}",
        constitution_text=text.replace(BUDGETS, BUDGETS + added),
        source_name=f"{slug}.yaml",
        slug=slug,
        actor="t",
    )


def _settings(closes_after: timedelta) -> dict:
    return {
        "title": "Parks",
        "pot_pence": 100_00,
        "voting_opens_at": OPENS,
        "voting_closes_at": OPENS + closes_after,
    }


def test_the_suggested_window_follows_review_days_and_voting_days():
    now = datetime(2027, 3, 1, 15, 0, tzinfo=LONDON)
    short = suggested_window(_org("short", review_days=3, voting_days=7), now)
    long = suggested_window(_org("long", review_days=21, voting_days=28), now)
    assert short == {
        "voting_opens_at": datetime(2027, 3, 4, 9, 0, tzinfo=LONDON),
        "voting_closes_at": datetime(2027, 3, 11, 17, 0, tzinfo=LONDON),
    }
    assert long == {
        "voting_opens_at": datetime(2027, 3, 22, 9, 0, tzinfo=LONDON),
        "voting_closes_at": datetime(2027, 4, 19, 17, 0, tzinfo=LONDON),
    }


def test_a_window_shorter_than_voting_days_is_refused_at_its_field():
    week = _org("week", voting_days=7)
    fortnight = _org("fortnight", voting_days=14)
    ten_days = timedelta(days=10)
    assert services.set_up_budget(week, _settings(ten_days), actor="t").voting_closes_at
    with pytest.raises(BudgetSettingsError) as caught:
        services.set_up_budget(fortnight, _settings(ten_days), actor="t")
    assert caught.value.errors == [
        (
            "voting_closes_at",
            "Voting must stay open at least 14 days, as the rulebook provides: make it close later",
        )
    ]
    assert services.set_up_budget(fortnight, _settings(timedelta(days=14)), actor="t")


def test_set_voting_window_refuses_a_window_shorter_than_voting_days():
    org = _org("window", voting_days=14)
    budget = services.set_up_budget(org, {"title": "Parks", "pot_pence": 100_00}, actor="t")
    with pytest.raises(ParticipationError, match="at least 14 days"):
        services.set_voting_window(budget, OPENS, OPENS + timedelta(days=13), actor="t")
    services.set_voting_window(budget, OPENS, OPENS + timedelta(days=14), actor="t")


def test_the_form_offers_the_window_and_refuses_a_short_one(client, django_user_model):
    org = _org("form", review_days=5, voting_days=10)
    user = django_user_model.objects.create_user("olive", password="pw")
    register.grant_role(org, user, "officer", actor="t")
    client.force_login(user)
    url = f"/o/{org.slug}/participation/budgets/new/"
    page = client.get(url).content.decode()
    today = datetime.now(LONDON).date()
    opens, closes = today + timedelta(days=5), today + timedelta(days=15)
    assert (
        f'id="id_voting_opens_at_day" name="voting_opens_at_day" type="text" inputmode="numeric" value="{opens.day}"'
        in page
    )
    assert (
        f'id="id_voting_closes_at_day" name="voting_closes_at_day" type="text" inputmode="numeric" value="{closes.day}"'
        in page
    )
    form = {"title": "Parks", "pot": "100", "rule": "mes-add1", "ballot_kind": "approval"}
    form |= {"points": "10", "max_score": "5", "ranks": "3", "min_projects": "0"}
    form |= {"max_projects": "", "minimum_age": ""}
    for name, moment in (("voting_opens_at", OPENS), ("voting_closes_at", OPENS + timedelta(9))):
        form |= {f"{name}_day": moment.day, f"{name}_month": moment.month,
                 f"{name}_year": moment.year, f"{name}_time": "09:00"}  # fmt: skip
    refused = client.post(url, form)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'href="#id_voting_closes_at_day"' in text
    assert "Voting must stay open at least 10 days" in text
