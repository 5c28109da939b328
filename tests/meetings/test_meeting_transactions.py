"""Each meetings verb changes state in one transaction, its row locked before the state is
checked (issue 20 item 3): when anything fails part-way (here the audit event, or the minutes a
close drafts, or the write of a field the transition sets), nothing of the change is left
written."""

from datetime import date

import pytest
from meeting_helpers import at, make_members, new_meeting, notice_day

from mutualise.meetings import services
from mutualise.meetings.models import Meeting, Minutes, Requisition, RequisitionSignature
from mutualise.meetings.services import minutes as minutes_part
from mutualise.meetings.services import requisitions as requisitions_part
from mutualise.meetings.services import states, voting

pytestmark = pytest.mark.django_db


class _AuditDown:
    @staticmethod
    def record(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")


def _break(monkeypatch, part, name="audit", value=_AuditDown):
    monkeypatch.setattr(part, name, value)


def _fail_writing(monkeypatch, field):
    """The write of a meeting's `field` fails (as a lost connection would): with the state
    change in the same transaction, the state is not left changed without it."""
    original = Meeting.save

    def save(self, *args, **kwargs):
        if field in (kwargs.get("update_fields") or ()):
            raise RuntimeError(f"could not write {field}")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Meeting, "save", save)


def _in_session(org, members=5):
    people = make_members(org, members)
    meeting = new_meeting(org, kind="general")
    resolution = services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    return meeting, resolution, people


def test_call_meeting_leaves_nothing_when_it_fails(coop, monkeypatch):
    meeting = new_meeting(coop, kind="general")
    _fail_writing(monkeypatch, "notice_given_on")
    with pytest.raises(RuntimeError):
        services.call_meeting(meeting, now=notice_day(meeting))
    meeting.refresh_from_db()
    assert (meeting.state, meeting.notice_given_on) == ("draft", None)


def test_open_meeting_leaves_nothing_when_it_fails(coop, monkeypatch):
    meeting = new_meeting(coop, kind="general")
    services.call_meeting(meeting, now=notice_day(meeting))
    _fail_writing(monkeypatch, "opened_at")
    with pytest.raises(RuntimeError):
        services.open_meeting(meeting, now=at(meeting.date))
    meeting.refresh_from_db()
    assert (meeting.state, meeting.opened_at) == ("called", None)


def test_adjourn_meeting_leaves_nothing_when_it_fails(coop, monkeypatch):
    meeting, _, _ = _in_session(coop)
    _fail_writing(monkeypatch, "adjourned_for_quorum")
    with pytest.raises(RuntimeError):
        services.adjourn_meeting(meeting, for_quorum=True, now=at(meeting.date, 20))
    meeting.refresh_from_db()
    assert (meeting.state, meeting.adjourned_for_quorum) == ("in-session", False)


def test_close_meeting_and_its_draft_minutes_commit_together(coop, monkeypatch):
    meeting, _, _ = _in_session(coop)

    def minutes_fail(*args, **kwargs):
        raise RuntimeError("the minutes could not be drafted")

    _break(monkeypatch, states, "_draft", minutes_fail)
    with pytest.raises(RuntimeError):
        services.close_meeting(meeting, now=at(meeting.date, 21))
    meeting.refresh_from_db()
    assert (meeting.state, meeting.closed_at) == ("in-session", None)
    assert not Minutes.objects.filter(meeting=meeting).exists()


def test_withdraw_resolution_leaves_nothing_when_it_fails(coop, monkeypatch):
    meeting = new_meeting(coop, kind="general")
    resolution = services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    _break(monkeypatch, voting)
    with pytest.raises(RuntimeError):
        services.withdraw_resolution(resolution)
    resolution.refresh_from_db()
    assert resolution.state == "proposed"


def test_demand_poll_leaves_nothing_when_it_fails(coop, monkeypatch):
    meeting, resolution, people = _in_session(coop)
    services.check_in_many(meeting, people)
    method = resolution.method
    _break(monkeypatch, voting)
    with pytest.raises(RuntimeError):
        services.demand_poll(resolution, people[:3])
    resolution.refresh_from_db()
    assert resolution.method == method


def _minutes_and_next_meeting(org):
    meeting, _, people = _in_session(org)
    services.close_meeting(meeting, now=at(meeting.date, 21))
    minutes = Minutes.objects.get(meeting=meeting)
    later = new_meeting(org, kind="general", day=date(2026, 12, 15))
    services.call_meeting(later, now=notice_day(later))
    later = services.open_meeting(later, now=at(later.date))
    services.check_in_many(later, people)
    return minutes, later


def test_approve_minutes_leaves_nothing_when_it_fails(coop, monkeypatch):
    minutes, later = _minutes_and_next_meeting(coop)
    _break(monkeypatch, minutes_part)
    with pytest.raises(RuntimeError):
        services.approve_minutes(minutes, at_meeting=later)
    minutes.refresh_from_db()
    assert (minutes.state, minutes.approved_at_meeting_id) == ("draft", None)


def test_publish_minutes_leaves_nothing_when_it_fails(coop, monkeypatch):
    minutes, later = _minutes_and_next_meeting(coop)
    services.approve_minutes(minutes, at_meeting=later)
    _break(monkeypatch, minutes_part)
    with pytest.raises(RuntimeError):
        services.publish_minutes(minutes)
    minutes.refresh_from_db()
    assert (minutes.state, minutes.published_at) == ("approved", None)


def test_signing_a_requisition_leaves_nothing_when_it_fails(coop, monkeypatch):
    (member,) = make_members(coop, 1)
    requisition = services.start_requisition(coop, purpose="Remove the board")
    _break(monkeypatch, requisitions_part)
    with pytest.raises(RuntimeError):
        services.sign_requisition(requisition, member)
    assert not RequisitionSignature.objects.filter(requisition=requisition).exists()


def test_submitting_a_requisition_leaves_nothing_when_it_fails(coop, monkeypatch):
    people = make_members(coop, 10)
    requisition = services.start_requisition(coop, purpose="Remove the board")
    for member in people[:2]:
        services.sign_requisition(requisition, member)
    _break(monkeypatch, requisitions_part)
    with pytest.raises(RuntimeError):
        services.submit_requisition(requisition)
    requisition.refresh_from_db()
    assert (requisition.state, requisition.submitted_on) == ("collecting", None)


def test_convening_a_requisitioned_meeting_leaves_nothing_when_it_fails(coop, monkeypatch):
    people = make_members(coop, 10)
    requisition = services.start_requisition(coop, purpose="Remove the board")
    for member in people[:2]:
        services.sign_requisition(requisition, member)
    requisition = services.submit_requisition(requisition)
    assert requisition.state == Requisition.State.VALID
    meeting = new_meeting(coop, kind="general", day=requisition.submitted_on)
    _break(monkeypatch, requisitions_part)
    with pytest.raises(RuntimeError):
        services.convene_requisitioned_meeting(requisition, meeting)
    requisition.refresh_from_db()
    assert (requisition.state, requisition.meeting_id) == ("valid", None)
