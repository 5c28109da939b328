"""Members' proposals: the threshold from the rulebook (a share of members here), within the
time limit, then routed; expiry; moderation only with the rulebook's reasons, audited."""

from datetime import date, timedelta

import pytest
from participation_helpers import at, make_members

from mutualise.audit.models import AuditEvent
from mutualise.participation import services
from mutualise.participation.models import Delivery, Proposal
from mutualise.participation.services import ParticipationError

DAY = date(2026, 3, 2)


def test_threshold_is_a_share_of_members_and_reaching_it_routes(council):
    members = make_members(council, 250)  # 1% of 250, rounded up: 3 supporters
    proposal = services.submit_proposal(
        council,
        members[0],
        title="Open the library on Sundays",
        text="Many of us work.",
        actor="test",
        now=at(DAY),
    )
    assert (proposal.threshold, proposal.route, proposal.state) == (3, "board", "open")
    assert proposal.closes_at == at(DAY) + timedelta(days=60)
    for member in members[1:3]:
        services.support_proposal(proposal, member, now=at(DAY, 13))
    assert proposal.state == "open" and proposal.supporters == 2
    with pytest.raises(ParticipationError, match="already support"):
        services.support_proposal(proposal, members[1], now=at(DAY, 14))
    proposal = services.support_proposal(proposal, members[3], now=at(DAY, 15))
    assert proposal.state == "routed" and proposal.routed_at is not None
    with pytest.raises(ParticipationError, match="no longer takes support"):
        services.support_proposal(proposal, members[4], now=at(DAY, 16))
    assert AuditEvent.objects.filter(organisation=council, action="proposal.routed").count() == 1
    assert proposal.delivery.status == "not_started"  # adopted: the board must act on it


def test_support_after_the_time_limit_is_refused_and_the_proposal_expires(council):
    members = make_members(council, 10)
    proposal = services.submit_proposal(
        council, members[0], title="Bins", text="More bins.", actor="test", now=at(DAY)
    )
    late = at(DAY + timedelta(days=61))
    with pytest.raises(ParticipationError, match="time for support has run out"):
        services.support_proposal(proposal, members[1], now=late)
    assert services.expire_proposals(council, now=at(DAY + timedelta(days=59))) == 0
    assert services.expire_proposals(council, now=late) == 1
    assert Proposal.objects.get(pk=proposal.pk).state == "expired"


def test_moderation_needs_a_rulebook_reason_and_is_audited(council, django_user_model):
    members = make_members(council, 3)
    proposal = services.submit_proposal(
        council, members[0], title="x", text="y", actor="test", now=at(DAY)
    )
    with pytest.raises(ParticipationError, match="is not one of the rulebook's"):
        services.hide_proposal(proposal, "I do not like it", actor="test")
    member_user = django_user_model.objects.create_user("plain")
    with pytest.raises(ParticipationError, match="may not moderate"):
        services.hide_proposal(proposal, "offensive or abusive", actor=member_user)
    proposal = services.hide_proposal(proposal, "offensive or abusive", actor="test")
    assert (proposal.state, proposal.hidden_reason) == ("hidden", "offensive or abusive")
    event = AuditEvent.objects.get(organisation=council, action="proposal.hidden")
    assert event.data["reason"] == "offensive or abusive"


def test_only_members_propose_and_only_the_author_withdraws(council):
    from mutualise.register.models import Member

    members = make_members(council, 2)
    Member.objects.filter(pk=members[1].pk).update(status=Member.Status.CEASED)
    with pytest.raises(ParticipationError, match="title"):
        services.submit_proposal(council, members[0], title=" ", text="y", now=at(DAY))
    proposal = services.submit_proposal(council, members[0], title="x", text="y", now=at(DAY))
    with pytest.raises(ParticipationError, match="only the member who made"):
        services.withdraw_proposal(proposal, members[1])
    assert services.withdraw_proposal(proposal, members[0], now=at(DAY, 13)).state == "withdrawn"


def test_delivery_updates_and_csv(council):
    delivery = services.record_decision(
        council,
        source="resolution",
        source_ref="AGM 2026 resolution 4",
        title="Plant 100 trees",
        actor="test",
    )
    with pytest.raises(ParticipationError, match="say why it was dropped"):
        services.update_delivery(delivery, status="dropped", progress=0, text="stopped")
    services.update_delivery(
        delivery,
        status="under_way",
        progress=40,
        text="40 planted",
        responsible="Parks team",
        by="officer",
    )
    services.update_delivery(delivery, status="done", progress=90, text="all planted")
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert (delivery.status, delivery.progress, delivery.responsible) == ("done", 100, "Parks team")
    assert delivery.start_on and delivery.done_on
    text = services.deliveries_csv(council)
    assert text.splitlines()[0].startswith("reference,decision,title,responsible,status")
    assert (
        "AGM 2026 resolution 4,General meeting resolution,Plant 100 trees,Parks team,Done,100"
        in text
    )
    with pytest.raises(ParticipationError, match="already has a delivery record"):
        services.record_decision(
            council,
            source="resolution",
            source_ref="AGM 2026 resolution 4",
            title="again",
            actor="test",
        )


def test_a_proposal_routed_to_the_budget_becomes_a_project(council):
    from mutualise.participation.models import Budget, BudgetProject
    from mutualise.register import services as register
    from mutualise.register.models import Organisation

    version = council.current_version
    text = version.source_text.replace("    route: board ", "    route: budget ")
    assert text != version.source_text
    register.adopt_constitution(
        council, text=text, source_name="amended.yaml", reason="to the budget", actor="test"
    )
    council = Organisation.objects.get(pk=council.pk)
    members = make_members(council, 10)
    budget = services.set_up_budget(
        council, {"title": "Parks", "pot_pence": 50_000_00}, actor="test"
    )
    services.transition(budget, "open_proposals", actor="test")
    proposal = services.submit_proposal(
        council, members[0], title="Benches", text="Ten benches.", cost_pence=2_000_00, now=at(DAY)
    )
    assert proposal.route == "budget"
    services.support_proposal(proposal, members[1], now=at(DAY, 13))
    project = BudgetProject.objects.get(budget=Budget.objects.get(pk=budget.pk))
    assert (project.title, project.cost_pence, project.proposal_id) == (
        "Benches",
        2_000_00,
        proposal.pk,
    )


def test_support_for_a_proposal_hidden_since_the_page_was_read_is_refused(council):
    """The member's page was read while it was open; a moderator hid it before they clicked."""
    members = make_members(council, 10)
    proposal = services.submit_proposal(
        council, members[0], title="Bins", text="More bins.", actor="test", now=at(DAY)
    )
    stale = Proposal.objects.get(pk=proposal.pk)
    services.hide_proposal(proposal, "offensive or abusive", actor="test")
    with pytest.raises(ParticipationError, match="no longer takes support"):
        services.support_proposal(stale, members[1], now=at(DAY, 13))
    assert Proposal.objects.get(pk=proposal.pk).supporters == 0
    assert not AuditEvent.objects.filter(action="proposal.supported").exists()


def test_a_restored_proposal_returns_to_where_it_would_be(council):
    """Open while its time runs; expired if it ran out while hidden; sent on if it had been."""
    members = make_members(council, 10)
    fresh, late, routed = (
        services.submit_proposal(council, members[0], title=t, text="y", now=at(DAY))
        for t in ("fresh", "late", "routed")
    )
    routed = services.support_proposal(routed, members[1], now=at(DAY, 13))
    assert routed.state == "routed"
    for p in (fresh, late, routed):
        services.hide_proposal(p, "offensive or abusive", actor="test")
    with pytest.raises(ParticipationError, match="reason: say why"):
        services.restore_proposal(fresh, "", actor="test")
    with pytest.raises(ParticipationError, match="NUL"):
        services.restore_proposal(fresh, "a\x00b", actor="test")
    assert services.restore_proposal(fresh, "ok", actor="test", now=at(DAY, 14)).state == "open"
    after = at(DAY + timedelta(days=61))
    assert services.restore_proposal(late, "ok", actor="test", now=after).state == "expired"
    assert services.restore_proposal(routed, "ok", actor="test", now=after).state == "routed"
    with pytest.raises(ParticipationError, match="only a hidden proposal can be restored"):
        services.restore_proposal(fresh, "again", actor="test")
    assert AuditEvent.objects.filter(action="proposal.restored").count() == 3
    services.support_proposal(fresh, members[2], now=at(DAY, 15))  # takes support again
