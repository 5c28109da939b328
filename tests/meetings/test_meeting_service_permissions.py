"""Who may act is checked in the meetings services themselves (issue 20), so the CLI, the API
and the pages are equally safe: one refusal per verb and wrong role. Each refusal comes before
anything is read or written: no audit event, no row changed. A string actor is the system."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.meetings import services
from mutualise.meetings.models import Minutes, Motion, ProxyAppointment, Requisition
from mutualise.register import services as register

pytestmark = pytest.mark.django_db

# Roles that run no meeting: a member, the returning officer (no meeting role), and the
# membership secretary of another organisation.
NOT_RUNNERS = ["member", "returning_officer", "stranger"]


@pytest.fixture
def world():
    org = found("co-operative-society", slug="coop")
    other = found("co-operative-society", slug="elsewhere")
    users = {r: get_user_model().objects.create_user(r) for r in
             ("member", "other_member", "officer", "board", "chair", "returning_officer",
              "stranger")}  # fmt: skip
    members = make_members(org, 6, users=[users["member"], users["other_member"]])
    for role in ("officer", "board", "chair", "returning_officer"):
        register.grant_role(org, users[role], role, actor="test")
    register.grant_role(other, users["stranger"], "officer", actor="test")
    starts = timezone.now() + timedelta(days=60)
    meeting = services.create_meeting(
        org, kind="general", title="Autumn", starts_at=starts, online=True, actor="test"
    )
    resolution = services.add_resolution(
        meeting, title="Paint", text="Blue.", kind_id="ordinary", method="poll", actor="test"
    )
    motion = Motion.objects.create(
        organisation=org, meeting=meeting, proposer=members[1], title="Trees", text="Plant.",
        kind_id="ordinary", submitted_at=timezone.now(),
    )  # fmt: skip
    requisition = Requisition.objects.create(
        organisation=org, purpose="Talk", started_on=timezone.localdate()
    )
    minutes = Minutes.objects.create(
        organisation=org, meeting=meeting, text="x", drafted_at=timezone.now()
    )
    proxy = ProxyAppointment.objects.create(
        organisation=org, meeting=meeting, appointer=members[0], proxy_member=members[2],
        lodged_at=timezone.now(),
    )  # fmt: skip
    return {"org": org, "users": users, "members": members, "meeting": meeting, "proxy": proxy,
            "resolution": resolution, "motion": motion, "requisition": requisition,
            "minutes": minutes}  # fmt: skip


def _starts():
    return timezone.now() + timedelta(days=60)


# Verbs for those who run meetings (the chair, the board, the secretary, an administrator).
RUNNERS_ONLY = {
    "create_meeting": lambda w, a: services.create_meeting(
        w["org"], kind="general", title="x", starts_at=_starts(), actor=a
    ),
    "plan_meeting": lambda w, a: services.plan_meeting(
        w["org"], kind="general", title="x", starts_at=_starts(), actor=a
    ),
    "add_resolution": lambda w, a: services.add_resolution(
        w["meeting"], title="x", text="y", kind_id="ordinary", actor=a
    ),
    "propose_resolution": lambda w, a: services.propose_resolution(
        w["meeting"], title="x", text="y", kind_id="ordinary", actor=a
    ),
    "change_draft_meeting": lambda w, a: services.change_draft_meeting(
        w["meeting"], title="Renamed", actor=a
    ),
    "change_draft_resolution": lambda w, a: services.change_draft_resolution(
        w["resolution"], title="Renamed", actor=a
    ),
    "remove_draft_resolution": lambda w, a: services.remove_draft_resolution(
        w["resolution"], actor=a
    ),
    "add_paper": lambda w, a: services.add_paper(
        w["meeting"], title="Accounts", url="https://example.org/a.pdf", actor=a
    ),
    "record_short_notice_consents": lambda w, a: services.record_short_notice_consents(
        w["meeting"], 3, actor=a
    ),
    "call_meeting": lambda w, a: services.call_meeting(w["meeting"], actor=a),
    "publish_notice": lambda w, a: services.publish_notice(w["meeting"], actor=a),
    "send_notice": lambda w, a: services.send_notice(w["meeting"], actor=a),
    "open_meeting": lambda w, a: services.open_meeting(w["meeting"], actor=a),
    "adjourn_meeting": lambda w, a: services.adjourn_meeting(w["meeting"], actor=a),
    "close_meeting": lambda w, a: services.close_meeting(w["meeting"], actor=a),
    "cancel_meeting": lambda w, a: services.cancel_meeting(w["meeting"], actor=a),
    "check_in": lambda w, a: services.check_in(w["meeting"], w["members"][3], actor=a),
    "check_in_many": lambda w, a: services.check_in_many(w["meeting"], w["members"][3:], actor=a),
    "open_vote": lambda w, a: services.open_vote(w["resolution"], actor=a),
    "declare_result": lambda w, a: services.declare_result(w["resolution"], actor=a),
    "withdraw_resolution": lambda w, a: services.withdraw_resolution(w["resolution"], actor=a),
    "demand_poll": lambda w, a: services.demand_poll(w["resolution"], w["members"][3:], actor=a),
    "propose_confirmation": lambda w, a: services.propose_confirmation(
        w["resolution"], w["meeting"], actor=a
    ),
    "accept_motion": lambda w, a: services.accept_motion(w["motion"], actor=a),
    "approve_minutes": lambda w, a: services.approve_minutes(
        w["minutes"], at_meeting=w["meeting"], actor=a
    ),
    "publish_minutes": lambda w, a: services.publish_minutes(w["minutes"], actor=a),
    "submit_requisition": lambda w, a: services.submit_requisition(w["requisition"], actor=a),
    "convene_requisitioned_meeting": lambda w, a: services.convene_requisitioned_meeting(
        w["requisition"], w["meeting"], actor=a
    ),
    "convene_by_members": lambda w, a: services.convene_requisitioned_meeting(
        w["requisition"], w["meeting"], by_members=w["members"][3:], actor=a
    ),
}

# The minutes are kept by the chair or the secretary only: not the board either.
KEEPERS_ONLY = {
    "draft_minutes": lambda w, a: services.draft_minutes(w["meeting"], actor=a),
    "edit_minutes": lambda w, a: services.edit_minutes(
        w["meeting"],
        actor=a,
        chair_name="x",
        started_at=None,
        ended_at=None,
        attendance="",
        discussion={},
    ),  # fmt: skip
    "sign_minutes": lambda w, a: services.sign_minutes(w["meeting"], actor=a),
    "publish_record": lambda w, a: services.publish_record(w["meeting"], actor=a),
}

# What a member does for themselves: refused to another member, and to a role acting for them
# (the officer, except where a paper form lets the secretary enter it).
FOR_THEMSELVES = {
    "cast_vote": (
        lambda w, a: services.cast_vote(w["resolution"], w["members"][0], "for", actor=a),
        ["other_member", "officer", "chair", "returning_officer"],
    ),
    "cast_vote_on_paper": (
        lambda w, a: services.cast_vote(
            w["resolution"], w["members"][0], "for", channel="paper", actor=a
        ),
        ["member", "returning_officer", "stranger"],
    ),
    "cast_vote_as_proxy": (
        lambda w, a: services.cast_vote(
            w["resolution"],
            w["members"][0],
            "for",
            channel="proxy",
            proxy_holder=w["members"][2],
            actor=a,
        ),  # fmt: skip
        ["member", "other_member", "returning_officer"],
    ),
    "appoint_proxy": (
        lambda w, a: services.appoint_proxy(
            w["meeting"], w["members"][0], proxy_member=w["members"][2], actor=a
        ),
        ["other_member", "returning_officer", "stranger"],
    ),
    "revoke_proxy": (
        lambda w, a: services.revoke_proxy(w["proxy"], actor=a),
        ["other_member", "returning_officer", "stranger"],
    ),
    "raise_hand_online": (
        lambda w, a: services.raise_hand_online(w["resolution"], w["members"][0], "for", actor=a),
        ["other_member", "officer", "chair", "returning_officer"],
    ),
    "join_online": (
        lambda w, a: services.check_in(w["meeting"], w["members"][0], mode="online", actor=a),
        ["other_member", "returning_officer"],
    ),
    "leave": (
        lambda w, a: services.leave(w["meeting"], w["members"][0], actor=a),
        ["other_member", "returning_officer"],
    ),
    "submit_motion": (
        lambda w, a: services.submit_motion(
            w["meeting"], w["members"][0], title="x", text="y", kind_id="ordinary", actor=a
        ),
        ["other_member", "officer", "returning_officer"],
    ),
    "support_motion": (
        lambda w, a: services.support_motion(w["motion"], w["members"][0], actor=a),
        ["other_member", "officer", "returning_officer"],
    ),
    "sign_requisition": (
        lambda w, a: services.sign_requisition(w["requisition"], w["members"][0], actor=a),
        ["other_member", "officer", "returning_officer"],
    ),
    "start_requisition": (
        lambda w, a: services.start_requisition(w["org"], purpose="Talk", actor=a),
        ["officer", "returning_officer", "stranger"],
    ),
}

CASES = (
    [(verb, role) for verb in RUNNERS_ONLY for role in NOT_RUNNERS]
    + [(verb, role) for verb in KEEPERS_ONLY for role in [*NOT_RUNNERS, "board"]]
    + [(verb, role) for verb, (_, roles) in FOR_THEMSELVES.items() for role in roles]
)
VERBS = {**RUNNERS_ONLY, **KEEPERS_ONLY, **{v: call for v, (call, _) in FOR_THEMSELVES.items()}}


@pytest.mark.parametrize(("verb", "role"), CASES)
def test_the_service_refuses_the_wrong_role(world, verb, role):
    events = AuditEvent.objects.count()
    meeting, minutes = world["meeting"], world["minutes"]
    with pytest.raises(services.NotPermitted) as refused:
        VERBS[verb](world, world["users"][role])
    assert str(refused.value).startswith("Only ")
    assert AuditEvent.objects.count() == events
    meeting.refresh_from_db()
    minutes.refresh_from_db()
    assert meeting.state == "draft" and meeting.resolutions.count() == 1
    assert minutes.state == "draft" and not meeting.attendances.exists()


def test_every_public_verb_has_a_refusal_case():
    """A new verb in services.__all__ that changes something needs its row above."""
    reads = {"agenda", "attendance_list", "ballots_digest", "check_receipt", "earliest_lawful_date",
             "is_present", "kind_rules", "may_attend", "may_raise_hand_online", "may_vote", "may_appoint_proxy", "may_revoke_proxy", "online_hands", "live_proxies", "member_for", "members_by_email", "members_by_post", "notice_sent", "require_unsent",
             "minutes_text", "proxy_deadline", "published_ballots", "published_receipts",
             "receipt_hash", "receipts_digest", "record_text", "tally", "word_count"}  # fmt: skip
    verbs = {
        name
        for name in services.__all__
        if callable(getattr(services, name))
        and not name.startswith("_")
        and name[0].islower()
        and name not in reads
    }
    assert verbs - set(VERBS) == set()


def test_the_right_role_gets_past_the_check(world):
    """The check lets the roles through (the state is what refuses them here)."""
    users, members = world["users"], world["members"]
    with pytest.raises(services.MeetingError):
        services.open_meeting(world["meeting"], actor=users["board"])
    with pytest.raises(services.MeetingError):
        services.cast_vote(world["resolution"], members[0], "for", actor=users["member"])
    with pytest.raises(services.MeetingError, match="do not allow proxies"):
        services.appoint_proxy(
            world["meeting"], members[0], proxy_member=members[2], actor=users["member"]
        )
    services.support_motion(world["motion"], members[0], actor=users["member"])
    services.sign_requisition(world["requisition"], members[0], actor=users["member"])
