"""A resolution comes off a draft meeting's agenda (the agenda was left with no way to drop a
resolution added by mistake): the ones after it move up, in one transaction with one audit
event; refused once notice is given, for a members' motion the meeting accepted, and for anyone
who may not call the meeting (the page as well as the service)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from meeting_helpers import found, make_members, new_meeting, notice_day

from mutualise.audit.models import AuditEvent
from mutualise.meetings import services
from mutualise.meetings.models import Resolution
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


def _agenda(meeting, *titles):
    for title in titles:
        services.add_resolution(meeting, title=title, text=f"{title}.", kind_id="ordinary",
                                actor="test")  # fmt: skip


def _numbered(meeting):
    return list(Resolution.objects.filter(meeting=meeting).values_list("number", "title"))


def test_the_ones_after_it_move_up_and_the_removal_is_audited(org, secretary):
    meeting = new_meeting(org)
    _agenda(meeting, "Paint", "Roof", "Garden", "Thanks")
    roof = Resolution.objects.get(meeting=meeting, number=2)
    moves = services.remove_draft_resolution(roof, actor=secretary)
    assert moves == [(3, 2), (4, 3)]
    assert _numbered(meeting) == [(1, "Paint"), (2, "Garden"), (3, "Thanks")]
    event = AuditEvent.objects.get(action="resolution.removed")
    assert event.actor == "sec"
    assert event.data == {"meeting": meeting.pk, "number": 2, "title": "Roof",
                          "renumbered": [[3, 2], [4, 3]]}  # fmt: skip
    _agenda(meeting, "Late addition")  # the next one added takes the next number
    assert _numbered(meeting)[-1] == (4, "Late addition")
    services.remove_draft_resolution(Resolution.objects.get(meeting=meeting, number=4),
                                     actor=secretary)  # fmt: skip
    assert AuditEvent.objects.filter(action="resolution.removed").last().data["renumbered"] == []


def test_refused_once_notice_is_published(org, secretary):
    meeting = new_meeting(org)
    _agenda(meeting, "Paint", "Roof")
    services.call_meeting(meeting, actor="test", now=notice_day(meeting))
    with pytest.raises(services.MeetingError, match="can no longer be changed: notice of"):
        services.remove_draft_resolution(Resolution.objects.get(number=1), actor=secretary)
    assert _numbered(meeting) == [(1, "Paint"), (2, "Roof")]
    assert not AuditEvent.objects.filter(action="resolution.removed").exists()


def test_refused_for_a_members_motion_the_meeting_accepted(org, secretary):
    members = make_members(org, 3)
    meeting = new_meeting(org)
    motion = services.submit_motion(meeting, members[0], title="Solar roof", text="Panels.",
                                    kind_id="ordinary")  # fmt: skip
    for supporter in members[1:]:
        services.support_motion(motion, supporter)
    resolution = services.accept_motion(motion)
    with pytest.raises(services.MeetingError, match="members' motion 'Solar roof'"):
        services.remove_draft_resolution(resolution, actor=secretary)
    assert _numbered(meeting) == [(1, "Solar roof")]


def test_refused_for_a_member_and_for_nobody_signed_in(client, org):
    meeting = new_meeting(org)
    _agenda(meeting, "Paint")
    member = get_user_model().objects.create_user("mo")
    with pytest.raises(services.NotPermitted):
        services.remove_draft_resolution(Resolution.objects.get(), actor=member)
    url = reverse("meetings:resolution_remove", args=["coop", meeting.pk, 1])
    assert client.post(url).status_code in (302, 403)  # the sign-in page, or refused
    client.force_login(member)
    assert client.post(url).status_code == 403
    assert _numbered(meeting) == [(1, "Paint")]


def test_the_page_asks_first_then_removes_and_says_what_moved(client, org, secretary):
    meeting = new_meeting(org)
    _agenda(meeting, "Paint", "Roof", "Garden")
    client.force_login(secretary)
    prepare = reverse("meetings:prepare", args=["coop", meeting.pk])
    url = reverse("meetings:resolution_remove", args=["coop", meeting.pk, 1])
    assert url in client.get(prepare).content.decode()
    asked = client.get(url).content.decode()
    assert "Remove resolution 1?" in asked and "The 2 resolutions after it move up" in asked
    assert _numbered(meeting) == [
        (1, "Paint"),
        (2, "Roof"),
        (3, "Garden"),
    ]  # asking changes nothing
    done = client.post(url, follow=True).content.decode()
    assert "Resolution 1, Paint, is taken off the agenda." in done
    assert "2 is now 1; 3 is now 2" in done
    assert _numbered(meeting) == [(1, "Roof"), (2, "Garden")]
    services.call_meeting(meeting, actor="test", now=notice_day(meeting))
    refused = client.post(url)
    assert refused.status_code == 400
    assert "can no longer be changed: notice of" in refused.content.decode()
    assert _numbered(meeting) == [(1, "Roof"), (2, "Garden")]


def test_proxies_instructions_follow_their_resolutions_when_one_comes_off():
    """A proxy may be lodged on a draft meeting, its instructions keyed by resolution number:
    when a resolution comes off and the ones after it move up, each instruction must follow its
    own resolution (else 'against the roof' would quietly become 'against the garden'), and the
    removed one's instruction goes with it."""
    from datetime import timedelta

    from mutualise.meetings.models import ProxyAppointment

    org = found("community-mutual", slug="mutual")  # its rulebook allows proxies
    secretary = get_user_model().objects.create_user("mutual-sec")
    register.grant_role(org, secretary, "officer", actor="test")
    members = make_members(org, 2)
    meeting = new_meeting(org)
    _agenda(meeting, "Paint", "Roof", "Garden")
    early = meeting.starts_at - timedelta(days=20)
    instructed = {"1": "for", "2": "against", "3": "abstain"}
    services.appoint_proxy(meeting, members[0], instructions=instructed, now=early)
    services.appoint_proxy(meeting, members[1], instructions={"3": "against"}, now=early)
    services.appoint_proxy(meeting, members[1], instructions={"2": "for"}, now=early)  # replaces
    services.remove_draft_resolution(Resolution.objects.get(meeting=meeting, number=2),
                                     actor=secretary)  # fmt: skip
    live = {a.appointer_id: a.instructions
            for a in ProxyAppointment.objects.filter(meeting=meeting, revoked_at=None)}  # fmt: skip
    assert live[members[0].pk] == {"1": "for", "2": "abstain"}  # Paint, Garden
    assert live[members[1].pk] == {}  # their only instruction was on the Roof
    revoked = ProxyAppointment.objects.get(appointer=members[1], revoked_at__isnull=False)
    assert revoked.instructions == {"2": "against"}  # the Garden, as lodged
