"""The co-operative council demo: a live budget with votes in, last year's counted and in
delivery, proposals; loading twice changes nothing."""

from mutualise.demo import council_board as demo
from mutualise.participation.models import (
    Budget,
    BudgetVoteRecord,
    Delivery,
    HeldBudgetBallot,
    Proposal,
)
from mutualise.register.models import Organisation


def test_demo_loads_once_with_a_live_budget(db):
    info = demo.load()
    assert "lambeth-parks-trust/participation/" in info.describe("http://127.0.0.1:8000/")
    org = Organisation.objects.get(slug=demo.SLUG)
    live = Budget.objects.get(organisation=org, state="voting")
    assert HeldBudgetBallot.objects.filter(budget=live).count() == 20
    assert BudgetVoteRecord.objects.filter(budget=live).count() == 20
    past = Budget.objects.get(organisation=org, state="delivery")
    assert past.result["selected"] and past.result["rule"] == "mes-add1"
    assert Delivery.objects.filter(organisation=org, source="budget_project").count() == len(
        past.result["selected"]
    )
    assert Proposal.objects.filter(organisation=org, state="routed").count() == 1
    demo.load()
    assert Budget.objects.filter(organisation=org).count() == 2


def test_the_scheduled_close_counts_the_live_budget(db):
    from datetime import timedelta

    from django.utils import timezone

    from mutualise.participation.tasks import close_due

    demo.load()
    org = Organisation.objects.get(slug=demo.SLUG)
    assert close_due() == (0, 0)
    counted, _ = close_due(timezone.now() + timedelta(days=13))
    assert counted == 1
    live = Budget.objects.get(organisation=org, title__endswith="2026")
    assert live.state == "results" and live.result["ballots"] == 20
