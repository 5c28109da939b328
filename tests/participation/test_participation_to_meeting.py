"""A proposal the rulebook routes to a general meeting: the support that takes it over its
threshold puts it, as a draft resolution, on the organisation's next draft general meeting (in
the same transaction, audited); with none drafted it waits, the officer sees it on the meetings
pages and puts it on an agenda (whoever may call meetings; one transaction; audited); the
resolution links back to the proposal and, once carried, its delivery record names it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from participation_helpers import at, make_members

from mutualise.audit.models import AuditEvent
from mutualise.constitution import RulebookError, load_text
from mutualise.meetings import services as meetings
from mutualise.meetings.facts import notice_days
from mutualise.meetings.models import Resolution
from mutualise.participation import services
from mutualise.participation.models import Delivery, Proposal
from mutualise.register import services as register
from mutualise.register.models import Organisation

DAY = date(2026, 3, 2)
MEETING_DAY = date(2026, 9, 15)


def _to_meetings(council, extra=""):
    version = council.current_version
    text = version.source_text.replace(
        "    route: board ", f"    route: general-meeting{extra}\n    #"
    )
    assert text != version.source_text
    register.adopt_constitution(
        council, text=text, source_name="amended.yaml", reason="to meetings", actor="test"
    )
    return Organisation.objects.get(pk=council.pk)


def _meeting(council, title, day, **kw):
    return meetings.create_meeting(
        council, kind="general", title=title, starts_at=at(day, 19), place="Hall", actor="test"
    )


def _adopt(council, members, title="Benches by the pond"):
    proposal = services.submit_proposal(
        council, members[0], title=title, text="Six benches.", now=at(DAY)
    )
    for member in members[1 : 1 + proposal.threshold]:
        proposal = services.support_proposal(proposal, member, now=at(DAY, 13))
    assert proposal.state == "routed"
    return proposal


@pytest.fixture
def officer(council, django_user_model):
    user = django_user_model.objects.create_user("olive")
    register.grant_role(council, user, "officer", actor="test")
    return user


def test_the_last_support_puts_it_on_the_next_draft_meeting(council):
    council = _to_meetings(council)
    members = make_members(council, 10)
    later = _meeting(council, "Winter meeting", MEETING_DAY + timedelta(days=60))
    called = _meeting(council, "Called meeting", MEETING_DAY - timedelta(days=30))
    meetings.call_meeting(called, now=at(DAY))
    _meeting(council, "Past draft", DAY - timedelta(days=5))
    nxt = _meeting(council, "Autumn meeting", MEETING_DAY)
    meetings.add_resolution(nxt, title="Accounts", text="...", kind_id="ordinary", actor="t")
    proposal = _adopt(council, members)
    resolution = proposal.resolution
    assert resolution.meeting_id == nxt.pk and later.resolutions.count() == 0
    assert (resolution.number, resolution.title, resolution.text) == (
        2,
        "Benches by the pond",
        "Six benches.",
    )
    assert resolution.kind_id == "ordinary"  # the rulebook's first kind
    assert f"Members' proposal {proposal.number}" in resolution.proposed_by
    assert resolution.members_proposal == proposal
    added = AuditEvent.objects.get(action="resolution.added", subject_id=str(resolution.pk))
    assert added.actor == f"members' proposal {proposal.number}"
    assert AuditEvent.objects.filter(action="proposal.put_on_agenda", subject_id=str(proposal.pk))
    assert not services.awaiting_meeting(council).exists()
    assert not Delivery.objects.filter(organisation=council).exists()  # not decided yet


def test_the_rulebook_names_the_kind_and_a_kind_it_lacks_is_refused(council):
    text = council.current_version.source_text
    bad = text.replace(
        "    route: board ", "    route: general-meeting\n    resolution_kind: x\n    #"
    )
    with pytest.raises(RulebookError, match="resolution_kind.*'x' is not a resolution kind"):
        load_text(bad, "bad.yaml")
    council = _to_meetings(council, "\n    resolution_kind: special")
    members = make_members(council, 10)
    _meeting(council, "Autumn meeting", MEETING_DAY)
    assert _adopt(council, members).resolution.kind_id == "special"


def test_with_no_draft_it_waits_and_the_officer_puts_it_on_an_agenda(
    client, council, officer, django_user_model
):
    council = _to_meetings(council)
    members = make_members(council, 10)
    proposal = _adopt(council, members)
    assert proposal.resolution is None
    assert list(services.awaiting_meeting(council)) == [proposal]
    assert AuditEvent.objects.filter(action="proposal.awaiting_meeting").count() == 1
    client.force_login(officer)
    listing = client.get(reverse("meetings:list", args=[council.slug])).content.decode()
    assert "Waiting to be put on an agenda" in listing and "Benches by the pond" in listing
    page = client.get(reverse("participation:index", args=[council.slug])).content.decode()
    assert "Waiting for a general meeting" in page

    meeting = _meeting(council, "Autumn meeting", MEETING_DAY)
    prepare = reverse("meetings:prepare", args=[council.slug, meeting.pk])
    assert "Put on this agenda" in client.get(prepare).content.decode()
    key = f"proposal:{proposal.pk}"

    member_user = django_user_model.objects.create_user("mo")
    make_members(council, 1, users=[member_user])
    client.force_login(member_user)
    assert client.post(prepare, {"action": "place", "item": key}).status_code == 403
    with pytest.raises(meetings.NotPermitted):
        services.put_on_agenda(proposal, meeting, actor=member_user)
    assert Resolution.objects.filter(meeting=meeting).count() == 0

    client.force_login(officer)
    assert client.post(prepare, {"action": "place", "item": "proposal:999"}).status_code == 404
    done = client.post(prepare, {"action": "place", "item": key})
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.resolution.meeting_id == meeting.pk
    event = AuditEvent.objects.get(action="proposal.put_on_agenda", subject_id=str(proposal.pk))
    assert event.actor == "olive"
    assert not services.awaiting_meeting(council).exists()
    again = client.post(prepare, {"action": "place", "item": key})
    assert again.status_code == 400
    assert "is not waiting for a general meeting" in again.content.decode()
    assert Resolution.objects.filter(meeting=meeting).count() == 1
    page = client.get(reverse("participation:index", args=[council.slug])).content.decode()
    assert "Put to Autumn meeting (15 September 2026) as resolution 1." in page


def test_taken_off_a_draft_agenda_it_waits_again_and_a_called_meeting_is_refused(council):
    council = _to_meetings(council)
    members = make_members(council, 10)
    meeting = _meeting(council, "Autumn meeting", MEETING_DAY)
    proposal = _adopt(council, members)
    meetings.remove_draft_resolution(proposal.resolution, actor="test")
    proposal.refresh_from_db()
    assert proposal.resolution is None and list(services.awaiting_meeting(council)) == [proposal]
    meetings.call_meeting(meeting, now=at(DAY))
    with pytest.raises(services.ParticipationError, match="resolutions are added before notice"):
        services.put_on_agenda(proposal, meeting, actor="test")
    proposal.refresh_from_db()
    assert proposal.resolution is None
    assert AuditEvent.objects.filter(action="proposal.put_on_agenda").count() == 1  # the first


def test_carried_its_delivery_record_names_the_proposal(council):
    council = _to_meetings(council)
    members = make_members(council, 40)
    meeting = _meeting(council, "Autumn meeting", MEETING_DAY)
    proposal = _adopt(council, members)
    resolution = proposal.resolution
    meetings.call_meeting(meeting, now=at(meeting.date - timedelta(days=notice_days(meeting) + 1)))
    meeting = meetings.open_meeting(meeting, now=at(MEETING_DAY, 19))
    meetings.check_in_many(meeting, members)
    meetings.open_vote(resolution)
    meetings.declare_result(resolution, hands=(30, 5, 5), now=at(MEETING_DAY, 20))
    delivery = Delivery.objects.get(organisation=council, source="resolution")
    assert delivery.proposal == Proposal.objects.get(pk=proposal.pk)
    assert delivery.source_ref == f"meeting {meeting.pk} resolution {resolution.number}"
