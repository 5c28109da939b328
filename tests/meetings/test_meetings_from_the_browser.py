"""Meetings from the browser (issue 13 part 5): call a general meeting of a kind the rulebook
provides, put resolutions of its kinds on the agenda, see the earliest lawful date, publish the
notice (mailed through the outbox); members see a meeting taking motions; the chair or
secretary keeps, approves and publishes the minutes. Every refusal, for each role."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.audit.models import AuditEvent as Event
from mutualise.jobs.worker import run_queued
from mutualise.mail.models import Message
from mutualise.meetings import services
from mutualise.meetings.models import Meeting, Minutes, Resolution
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
OTHERS = ["public", "member", "returning_officer", "stranger"]


@pytest.fixture
def world():
    org = found("co-operative-society", slug="coop")
    other = found("co-operative-society", slug="elsewhere")
    users = {r: get_user_model().objects.create_user(r) for r in
             ("member", "officer", "chair", "returning_officer", "stranger")}  # fmt: skip
    members = make_members(org, 6, users=[users["member"]])
    for role in ("officer", "chair", "returning_officer"):
        register.grant_role(org, users[role], role, actor="test")
    register.grant_role(other, users["stranger"], "officer", actor="test")
    return org, users, members


def _client(users, role):
    client = Client()
    if role != "public":
        client.force_login(users[role])
    return client


def _new(day: date, **extra):
    return {
        "kind": "general", "title": "Autumn general meeting", "starts_day": day.day,
        "starts_month": day.month, "starts_year": day.year, "starts_time": "19:00",
        "place": "Village Hall", "remote_url": "https://meet.example.org/autumn", **extra,
    }  # fmt: skip


def test_the_secretary_calls_a_meeting_with_resolutions_and_publishes_its_notice(world):
    org, users, members = world
    client = _client(users, "officer")
    page = client.get("/o/coop/meetings/new/").content.decode()
    today = timezone.localdate()
    days = org.constitution.meetings.general.notice_clear_days
    earliest = today + timedelta(days=days + 1)
    assert f"{earliest:%-d %B %Y}" in page and f"{days} clear days" in page
    assert "Annual general meeting" in page  # the kinds the rulebook provides
    too_soon = client.post("/o/coop/meetings/new/", _new(today + timedelta(days=3)))
    meeting = Meeting.objects.get()
    assert too_soon.status_code == 302 and meeting.remote_url.startswith("https://")
    prepare = client.get(f"/o/coop/meetings/{meeting.pk}/prepare/").content.decode()
    assert "earliest lawful date" in prepare and f"{earliest:%-d %B %Y}" in prepare
    kinds = org.constitution.meetings.resolutions
    for kind in kinds[:2]:
        added = client.post(f"/o/coop/meetings/{meeting.pk}/prepare/", {
            "action": "resolution", "title": f"A {kind.name}", "text": "That we paint it.",
            "kind_id": kind.id, "method": "hands",
        })  # fmt: skip
        assert added.status_code == 302
    assert [r.kind_id for r in Resolution.objects.order_by("number")] == [k.id for k in kinds[:2]]
    refused = client.post(
        f"/o/coop/meetings/{meeting.pk}/prepare/", {"action": "publish", "confirmed": "yes"}
    )
    assert refused.status_code == 400 and "earliest lawful date" in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == "draft" and not Message.objects.exists()
    meeting.starts_at = timezone.now() + timedelta(days=days + 2)
    meeting.save()
    asked = client.post(f"/o/coop/meetings/{meeting.pk}/prepare/", {"action": "publish"})
    asked_text = asked.content.decode()
    assert asked.status_code == 200 and "will be emailed the notice now" in asked_text
    assert 'name="confirmed" value="yes"' in asked_text
    meeting.refresh_from_db()
    assert meeting.state == "draft" and not Message.objects.exists()  # nothing sent yet
    done = client.post(
        f"/o/coop/meetings/{meeting.pk}/prepare/", {"action": "publish", "confirmed": "yes"}
    )
    assert done.status_code == 302 and "/jobs/" in done["Location"]  # the worker sends it
    meeting.refresh_from_db()
    assert meeting.state == "called" and meeting.notice_given_on == today
    assert not Message.objects.exists()
    assert run_queued() == 1
    emailed = [m for m in members if m.contact_channel == "email"]
    sent = Message.objects.filter(organisation=org).order_by("to")
    assert [m.to for m in sent] == sorted(m.email for m in emailed)
    assert "meet.example.org/autumn" in sent[0].text  # the remote link in the notice
    detail = _client(users, "member").get(f"/o/coop/meetings/{meeting.pk}/").content.decode()
    assert "join the video call" in detail
    verbs = set(Event.objects.filter(organisation=org).values_list("action", flat=True))
    assert {
        "meeting.created",
        "resolution.added",
        "meeting.call",
        "meeting.notice_sent",
        "meeting.notice_queued",
    } <= verbs


def test_a_bad_meeting_form_says_what_and_where(world):
    org, users, _ = world
    client = _client(users, "officer")
    bad = client.post(
        "/o/coop/meetings/new/",
        {**_new(date(2026, 2, 28), remote_url="http://x.org"), "starts_day": "30"},
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "must be a real date" in body and "https://" in body
    annual = client.post("/o/coop/meetings/new/", _new(date(2030, 3, 1), kind="agm"))
    assert annual.status_code == 400 and "financial_year" in annual.content.decode()
    assert not Meeting.objects.exists()


def test_members_see_a_meeting_taking_motions(world):
    org, users, _ = world
    _client(users, "officer").post(
        "/o/coop/meetings/new/", _new(date(2030, 3, 1), takes_motions="on")
    )
    meeting = Meeting.objects.get()
    listing = _client(users, "member").get("/o/coop/meetings/").content.decode()
    assert "Taking motions" in listing and f"/meetings/{meeting.pk}/motions/" in listing
    assert (
        "Autumn general meeting"
        not in _client(users, "public").get("/o/coop/meetings/").content.decode()
    )


@pytest.mark.parametrize("role", OTHERS)
def test_only_those_who_run_meetings_call_one(world, role):
    org, users, _ = world
    client = _client(users, role)
    for url in ("/o/coop/meetings/new/",):
        assert client.get(url).status_code == 403
        assert client.post(url, _new(date(2030, 3, 1))).status_code == 403
    meeting = services.create_meeting(
        org, kind="general", title="Drafted", starts_at=timezone.now() + timedelta(days=60)
    )
    prepare = f"/o/coop/meetings/{meeting.pk}/prepare/"
    assert client.post(prepare, {"action": "publish"}).status_code == 403
    assert (
        client.post(
            prepare,
            {
                "action": "resolution",
                "title": "x",
                "text": "y",
                "kind_id": "ordinary",
                "method": "hands",
            },
        ).status_code
        == 403
    )
    actor = None if role == "public" else users[role]
    if actor is not None:
        with pytest.raises(services.NotPermitted):
            services.plan_meeting(org, actor=actor, kind="general", title="x",
                                  starts_at=timezone.now())  # fmt: skip
        with pytest.raises(services.NotPermitted):
            services.publish_notice(meeting, actor=actor)
    meeting.refresh_from_db()
    assert meeting.state == "draft" and Meeting.objects.count() == 1
    assert not meeting.resolutions.exists()


def _closed_meeting(org, members):
    starts = timezone.now() - timedelta(hours=2)
    meeting = services.create_meeting(org, kind="general", title="Spring", starts_at=starts)
    services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    services.call_meeting(meeting, now=starts - timedelta(days=30))
    services.open_meeting(meeting, now=starts)
    services.check_in_many(meeting, members[:3])
    services.close_meeting(meeting)
    return meeting


@pytest.mark.parametrize("keeper", ["chair", "officer"])
def test_the_chair_or_secretary_keeps_approves_and_publishes_the_minutes(world, keeper):
    org, users, members = world
    meeting = _closed_meeting(org, members)
    client = _client(users, keeper)
    url = f"/o/coop/meetings/{meeting.pk}/minutes/"
    page = client.get(url).content.decode()
    assert members[0].display_name in page  # the check-in list drafts the attendance
    early = client.post(url, {"action": "approve"})
    assert early.status_code == 400 and "who chaired" in early.content.decode()
    bad = client.post(url, {"action": "save", "started_at": "25:99"})
    assert bad.status_code == 400 and "hours and minutes" in bad.content.decode()
    saved = client.post(url, {
        "action": "save", "chair_name": "Jo Bloggs", "started_at": "19:00", "ended_at": "20:30",
        "attendance": "Member 1\nMember 2\nApologies: Member 5", "item_1": "A lively debate.",
        "item_other": "Thanks to the caterers.",
    })  # fmt: skip
    assert saved.status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert "Chair: Jo Bloggs." in minutes.text and "A lively debate." in minutes.text
    assert "began at 19:00 and ended at 20:30" in minutes.text
    assert client.post(url, {"action": "approve"}).status_code == 302
    minutes.refresh_from_db()
    assert minutes.state == "approved" and minutes.approved_by == keeper
    again = client.post(url, {"action": "save", "chair_name": "Someone else"})
    assert again.status_code == 400 and "signed" in again.content.decode()
    assert client.post(url, {"action": "publish"}).status_code == 302
    public = Client().get(f"/o/coop/meetings/{meeting.pk}/").content.decode()
    assert "A lively debate." in public
    verbs = list(
        Event.objects.filter(action__startswith="minutes.").values_list("action", flat=True)
    )
    assert verbs == ["minutes.drafted", "minutes.edited", "minutes.approved", "minutes.published"]


@pytest.mark.parametrize("role", [*OTHERS, "board"])
def test_only_the_chair_or_secretary_keeps_the_minutes(world, role):
    org, users, members = world
    if role == "board":
        users["board"] = get_user_model().objects.create_user("board")
        register.grant_role(org, users["board"], "board", actor="test")
    meeting = _closed_meeting(org, members)
    client = _client(users, role)
    url = f"/o/coop/meetings/{meeting.pk}/minutes/"
    assert client.get(url).status_code == 403
    for action in ("save", "approve", "publish"):
        assert client.post(url, {"action": action, "chair_name": "x"}).status_code == 403
    if role != "public":
        with pytest.raises(services.NotPermitted):
            services.sign_minutes(meeting, actor=users[role])
    assert Minutes.objects.get(meeting=meeting).state == "draft"
