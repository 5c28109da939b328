"""Issue 19: a draft meeting can be changed before its notice is published (its date, time,
place, title and the resolutions on its agenda), by those who may call it, each change audited;
once notice is given every change is refused, saying why in words."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from meeting_helpers import at, found, make_members, new_meeting, notice_day

from mutualise.audit.models import AuditEvent
from mutualise.meetings import services
from mutualise.meetings.models import Meeting, Resolution
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    org = found("co-operative-society", slug="coop")
    make_members(org, 4)
    return org


@pytest.fixture
def secretary(org):
    user = get_user_model().objects.create_user("sec")
    register.grant_role(org, user, "officer", actor="test")
    return user


def test_a_draft_meeting_is_changed_and_the_change_audited(org, secretary):
    meeting = new_meeting(org)
    later = at(date(2026, 9, 22), 18)
    services.change_draft_meeting(meeting, actor=secretary, starts_at=later, place="The Barn")
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.starts_at == later and meeting.place == "The Barn"
    event = AuditEvent.objects.get(action="meeting.changed")
    assert event.actor == "sec"
    assert event.data["place"] == ["Village Hall", "The Barn"]
    assert event.data["starts_at"][1] == later.isoformat()
    services.change_draft_meeting(meeting, actor=secretary, place="The Barn")  # no change
    assert AuditEvent.objects.filter(action="meeting.changed").count() == 1


def test_a_draft_resolution_is_changed_and_the_change_audited(org, secretary):
    meeting = new_meeting(org)
    resolution = services.add_resolution(
        meeting, title="Paint", text="Blue.", kind_id="ordinary", actor="test"
    )
    services.change_draft_resolution(
        resolution, actor=secretary, title="Paint the hall", text="Green.", kind_id="extraordinary"
    )
    resolution = Resolution.objects.get(pk=resolution.pk)
    assert (resolution.title, resolution.text, resolution.kind_id) == (
        "Paint the hall",
        "Green.",
        "extraordinary",
    )
    event = AuditEvent.objects.get(action="resolution.changed")
    assert event.data["text"] == ["Blue.", "Green."] and event.data["number"] == 1
    with pytest.raises(services.MeetingError, match="no resolution kind 'made-up'"):
        services.change_draft_resolution(resolution, actor=secretary, kind_id="made-up")


def test_a_change_breaks_the_same_rules_as_creating(org, secretary):
    meeting = new_meeting(org)
    with pytest.raises(services.MeetingError, match="provide for no"):
        services.change_draft_meeting(meeting, actor=secretary, kind="picnic")
    with pytest.raises(services.MeetingError, match="https"):
        services.change_draft_meeting(meeting, actor=secretary, remote_url="http://x.example")
    assert not AuditEvent.objects.filter(action="meeting.changed").exists()


def test_once_notice_is_published_every_change_is_refused_in_words(org, secretary):
    meeting = new_meeting(org)
    resolution = services.add_resolution(
        meeting, title="Paint", text="Blue.", kind_id="ordinary", actor="test"
    )
    services.call_meeting(meeting, actor="test", now=notice_day(meeting))
    meeting.refresh_from_db()
    with pytest.raises(services.MeetingError) as refused:
        services.change_draft_meeting(meeting, actor=secretary, place="The Barn")
    said = str(refused.value)
    assert "notice of" in said and "was published on" in said and "cancel this meeting" in said
    with pytest.raises(services.MeetingError, match="Resolution 1 can no longer be changed"):
        services.change_draft_resolution(resolution, actor=secretary, title="Other")
    assert Meeting.objects.get(pk=meeting.pk).place == "Village Hall"
    assert Resolution.objects.get(pk=resolution.pk).title == "Paint"
    assert not AuditEvent.objects.filter(action__in=["meeting.changed", "resolution.changed"])


def test_the_pages_change_a_draft_and_say_why_a_published_one_cannot(client, org, secretary):
    meeting = new_meeting(org)
    services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary", actor="t")
    client.force_login(secretary)
    prepare = client.get(reverse("meetings:prepare", args=["coop", meeting.pk])).content.decode()
    edit_url = reverse("meetings:edit", args=["coop", meeting.pk])
    resolution_url = reverse("meetings:resolution_edit", args=["coop", meeting.pk, 1])
    assert edit_url in prepare and resolution_url in prepare
    form = client.get(edit_url).content.decode()
    assert 'value="Village Hall"' in form and 'value="19:00"' in form and 'value="15"' in form
    posted = {"kind": "general", "title": "Autumn meeting", "starts_day": "22",
              "starts_month": "9", "starts_year": "2026", "starts_time": "18:30",
              "place": "The Barn"}  # fmt: skip
    bad = client.post(edit_url, {**posted, "starts_month": "13"})
    assert bad.status_code == 400 and "must be a real date" in bad.content.decode()
    assert client.post(edit_url, posted).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.place) == ("Autumn meeting", "The Barn")
    assert meeting.starts_at == at(date(2026, 9, 22), 18).replace(minute=30)
    assert 'value="Paint"' in client.get(resolution_url).content.decode()
    changed = {"title": "Paint it", "text": "Green.", "kind_id": "ordinary", "method": "hands"}
    assert client.post(resolution_url, changed).status_code == 302
    assert Resolution.objects.get(meeting=meeting).title == "Paint it"

    services.call_meeting(meeting, actor="test", now=notice_day(meeting))
    for url in (edit_url, resolution_url):
        page = client.post(url, {**posted, **changed})
        assert page.status_code == 400
        assert "can no longer be changed: notice of" in page.content.decode()
        assert 'name="starts_day"' not in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "The Barn" and Resolution.objects.get().title == "Paint it"


def test_only_those_who_may_call_a_meeting_change_it(client, org):
    meeting = new_meeting(org)
    member = get_user_model().objects.create_user("mo")
    with pytest.raises(services.NotPermitted):
        services.change_draft_meeting(meeting, actor=member, place="The Barn")
    client.force_login(member)
    assert client.get(reverse("meetings:edit", args=["coop", meeting.pk])).status_code == 403
