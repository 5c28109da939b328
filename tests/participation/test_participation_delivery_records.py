"""Every adopted proposal and carried resolution gets its delivery record in the same
transaction as the decision: a proposal adopted for the board by its last support, a general
meeting resolution when it is declared carried (meetings.decisions, participation's listener)."""

from datetime import date, timedelta

import pytest
from participation_helpers import at, make_members

from mutualise.audit.models import AuditEvent
from mutualise.meetings import decisions
from mutualise.meetings import services as meetings
from mutualise.meetings.facts import notice_days
from mutualise.participation import services
from mutualise.participation.models import Delivery, Proposal

DAY = date(2026, 3, 2)
MEETING_DAY = date(2026, 9, 15)


def _routed_proposal(council, members):
    proposal = services.submit_proposal(
        council, members[0], title="Benches by the pond", text="Six.", now=at(DAY)
    )
    for member in members[1 : 1 + proposal.threshold]:
        proposal = services.support_proposal(proposal, member, now=at(DAY, 13))
    return proposal


def test_a_proposal_adopted_for_the_board_gets_its_record_with_the_last_support(council):
    members = make_members(council, 250)
    proposal = _routed_proposal(council, members)
    assert (proposal.state, proposal.route) == ("routed", "board")
    delivery = Delivery.objects.get(organisation=council, proposal=proposal)
    assert (delivery.source, delivery.source_ref, delivery.responsible) == (
        "proposal",
        f"proposal {proposal.number}",
        "the board",
    )
    assert delivery.decided_on == DAY
    assert AuditEvent.objects.filter(action="delivery.recorded", subject_id=str(delivery.pk))


def test_a_failed_record_undoes_the_support_that_adopted_it(council):
    """One transaction: if the record cannot be made, the proposal is not routed either."""
    members = make_members(council, 250)
    proposal = services.submit_proposal(
        council, members[0], title="Benches", text="Six.", now=at(DAY)
    )
    services.record_decision(  # the reference the adoption would take, already used
        council, source="proposal", source_ref=f"proposal {proposal.number}", title="x"
    )
    for member in members[1 : proposal.threshold]:
        services.support_proposal(proposal, member, now=at(DAY, 13))
    with pytest.raises(services.ParticipationError, match="already has a delivery record"):
        services.support_proposal(proposal, members[proposal.threshold], now=at(DAY, 14))
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert (proposal.state, proposal.supporters) == ("open", proposal.threshold - 1)


def _voting(council):
    members = make_members(council, 40)
    meeting = meetings.create_meeting(
        council,
        kind="general",
        title="Members' meeting",
        starts_at=at(MEETING_DAY, 19),
        place="Town Hall",
        online=False,
        actor="test",
    )
    resolution = meetings.add_resolution(
        meeting, title="Plant 100 trees on the common", text="...", kind_id="ordinary"
    )
    meetings.call_meeting(meeting, now=at(meeting.date - timedelta(days=notice_days(meeting) + 1)))
    meeting = meetings.open_meeting(meeting, now=at(MEETING_DAY, 19))
    meetings.check_in_many(meeting, members)
    meetings.open_vote(resolution)
    return resolution


def _declared(council, hands):
    return meetings.declare_result(_voting(council), hands=hands, now=at(MEETING_DAY, 20))


def test_a_carried_resolution_gets_its_record_when_declared(council):
    resolution = _declared(council, (30, 5, 5))
    assert resolution.carried is True
    delivery = Delivery.objects.get(organisation=council, source="resolution")
    assert delivery.title == "Plant 100 trees on the common"
    assert delivery.source_ref == f"meeting {resolution.meeting_id} resolution {resolution.number}"
    assert delivery.decided_on == MEETING_DAY and delivery.status == "not_started"


def test_a_lost_resolution_gets_none(council):
    assert _declared(council, (5, 30, 5)).carried is False
    assert not Delivery.objects.filter(organisation=council).exists()


def test_the_declaration_and_its_record_are_one_transaction(council):
    def refuse(resolution, **_):
        raise RuntimeError("the record could not be written")

    resolution = _voting(council)
    decisions.on_carried(refuse)
    try:
        with pytest.raises(RuntimeError):
            meetings.declare_result(resolution, hands=(30, 5, 5), now=at(MEETING_DAY, 20))
    finally:
        decisions._LISTENERS.remove(refuse)
    resolution.refresh_from_db()
    assert resolution.carried is None and resolution.state != "declared"
    assert not AuditEvent.objects.filter(action="resolution.declared").exists()
