"""Requisition, members' motions, attendance, proxies and the meeting lifecycle's guards."""

from datetime import date, timedelta

import pytest
from meeting_helpers import at, found, make_members, new_meeting, notice_day

from mutualise.meetings import services
from mutualise.meetings.facts import agm_due_by, meeting_facts, resolution_facts
from mutualise.meetings.lifecycle import MEETING_TRANSITIONS, RESOLUTION_TRANSITIONS, available
from mutualise.meetings.models import Ballot, VoteRecord
from mutualise.meetings.services import MeetingError
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
SUBMITTED = date(2026, 3, 2)


def test_requisition_counts_valid_signatures_against_the_lesser_of_10_percent_or_100(coop):
    members = make_members(coop, 40)  # 10% of 40 = 4, less than 100
    short = services.start_requisition(coop, purpose="Remove the board", on=SUBMITTED)
    for member in members[:3]:
        services.sign_requisition(short, member, on=SUBMITTED)
    with pytest.raises(MeetingError, match="already signed"):
        services.sign_requisition(short, members[0], on=SUBMITTED)
    short = services.submit_requisition(short, on=SUBMITTED)
    assert (short.state, short.valid_signatures, short.signatures_needed) == ("too-few", 3, 4)

    requisition = services.start_requisition(coop, purpose="Remove the board", on=SUBMITTED)
    for member in members[:5]:
        services.sign_requisition(requisition, member, on=SUBMITTED)
    register.cease(members[4], "resigned", on=SUBMITTED - timedelta(days=1))
    register.cease(members[3], "resigned", on=SUBMITTED - timedelta(days=1))
    requisition = services.submit_requisition(requisition, on=SUBMITTED)
    # Two signatories have left: 3 valid of the 4 that 10% of 38 members needs.
    assert (requisition.valid_signatures, requisition.signatures_needed) == (3, 4)
    assert requisition.state == "too-few"


def _valid_requisition(coop, members):
    requisition = services.start_requisition(coop, purpose="Remove the board", on=SUBMITTED)
    for member in members[:4]:
        services.sign_requisition(requisition, member, on=SUBMITTED)
    return services.submit_requisition(requisition, on=SUBMITTED)


def test_a_valid_requisition_starts_the_boards_deadline_then_members_may_convene(coop):
    members = make_members(coop, 40)
    requisition = _valid_requisition(coop, members)
    assert requisition.state == "valid"
    assert requisition.board_deadline == date(2026, 4, 2)  # 1 month
    assert requisition.meeting_deadline == date(2026, 4, 13)  # 6 weeks
    meeting = new_meeting(coop, kind="special", day=date(2026, 4, 10))
    with pytest.raises(MeetingError, match="the board has until 2 April 2026"):
        services.convene_requisitioned_meeting(
            requisition, meeting, by_members=members[:3], on=date(2026, 3, 20)
        )
    late = date(2026, 4, 3)
    with pytest.raises(MeetingError, match="deadline .* has passed"):
        services.convene_requisitioned_meeting(requisition, meeting, on=late)
    with pytest.raises(MeetingError, match="3 members must convene it; 2 valid"):
        services.convene_requisitioned_meeting(
            requisition, meeting, by_members=members[:2], on=late
        )
    too_late = new_meeting(coop, kind="special", day=date(2026, 4, 20))
    with pytest.raises(MeetingError, match="held by 13 April 2026"):
        services.convene_requisitioned_meeting(
            requisition, too_late, by_members=members[:3], on=late
        )
    done = services.convene_requisitioned_meeting(
        requisition, meeting, by_members=members[:3], on=late
    )
    assert done.state == "members" and done.meeting == meeting


def test_the_board_convenes_in_time(coop):
    members = make_members(coop, 40)
    requisition = _valid_requisition(coop, members)
    meeting = new_meeting(coop, kind="special", day=date(2026, 4, 10))
    done = services.convene_requisitioned_meeting(requisition, meeting, on=date(2026, 3, 10))
    assert done.state == "board"


def test_rules_without_requisition_refuse_it():
    ft = found("nhs-foundation-trust")
    with pytest.raises(MeetingError, match="no right to requisition"):
        services.start_requisition(ft, purpose="x")


def test_members_motion_statement_word_limit(db):
    society = found("building-society")
    members = make_members(society, 5)
    meeting = new_meeting(society, kind="agm", financial_year=2026)
    words = " ".join(["word"] * 501)
    with pytest.raises(MeetingError, match="501 words; the rules allow at most 500"):
        services.submit_motion(
            meeting, members[0], title="T", text="...", kind_id="ordinary", statement=words
        )
    motion = services.submit_motion(
        meeting, members[0], title="T", text="...", kind_id="ordinary", statement=words[5:]
    )
    with pytest.raises(MeetingError, match="proposer cannot also be a supporter"):
        services.support_motion(motion, members[0])
    assert services.accept_motion(motion).proposed_by == f"member {members[0].number}"
    services.call_meeting(meeting, now=notice_day(meeting))
    with pytest.raises(MeetingError, match="before notice of the meeting is given"):
        services.support_motion(motion, members[1])


def _energy_meeting(count=20):
    org = found("community-energy-coop")  # proxies: members only, 48 hours, at most 5 each
    members = make_members(org, count)
    meeting = new_meeting(org)
    resolution = services.add_resolution(
        meeting, title="Solar roof", text="...", kind_id="ordinary", method="poll"
    )
    services.call_meeting(meeting, now=notice_day(meeting))
    return org, members, meeting, resolution


def test_proxy_rules_come_from_the_rulebook():
    org, members, meeting, resolution = _energy_meeting()
    early = at(meeting.date - timedelta(days=5))
    with pytest.raises(MeetingError, match="must be a member"):
        services.appoint_proxy(meeting, members[0], proxy_name="My neighbour", now=early)
    for appointer in members[1:6]:
        services.appoint_proxy(meeting, appointer, proxy_member=members[0], now=early)
    with pytest.raises(MeetingError, match="already holds 5 proxies"):
        services.appoint_proxy(meeting, members[6], proxy_member=members[0], now=early)
    late = meeting.starts_at - timedelta(hours=47)
    with pytest.raises(MeetingError, match="48 hours before"):
        services.appoint_proxy(meeting, members[7], now=late)
    chair = services.appoint_proxy(meeting, members[7], now=early)
    assert chair.is_chair and chair.holder == "the chair of the meeting"
    with pytest.raises(MeetingError, match="no resolution 9"):
        services.appoint_proxy(meeting, members[8], instructions={"9": "for"}, now=early)


def test_proxies_in_a_poll_instructed_discretionary_and_superseded_by_attending():
    org, members, meeting, resolution = _energy_meeting()
    early = at(meeting.date - timedelta(days=5))
    holder = members[0]
    services.appoint_proxy(
        meeting, members[1], proxy_member=holder, instructions={"1": "for"}, now=early
    )
    services.appoint_proxy(
        meeting, members[2], proxy_member=holder, instructions={"1": "against"}, now=early
    )
    services.appoint_proxy(meeting, members[3], proxy_member=holder, now=early)  # discretion
    services.appoint_proxy(meeting, members[4], instructions={"1": "for"}, now=early)  # chair
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    # Member 3 comes in person after all: their own vote replaces their proxy.
    services.check_in_many(meeting, [holder, members[2], *members[10:14]])
    services.open_vote(resolution)
    with pytest.raises(MeetingError, match="only the appointed proxy"):
        services.cast_vote(resolution, members[3], "for", channel="proxy", proxy_holder=members[10])
    with pytest.raises(MeetingError, match="instructed"):
        services.cast_vote(resolution, members[1], "against", channel="proxy", proxy_holder=holder)
    services.cast_vote(resolution, members[3], "against", channel="proxy", proxy_holder=holder)
    services.cast_vote(resolution, members[2], "for")  # in person, despite the instruction
    services.cast_vote(resolution, holder, "for")
    for member in members[10:14]:
        services.cast_vote(resolution, member, "abstain")
    declared = services.declare_result(resolution)
    # for: member 2, holder, member 1 (instructed), member 4 (chair, instructed) = 4
    # against: member 3 (discretion) = 1; abstain: 4
    assert (declared.votes_for, declared.votes_against, declared.abstentions) == (4, 1, 4)
    assert (declared.proxy_for, declared.proxy_against) == (2, 0)
    assert VoteRecord.objects.filter(resolution=resolution, channel="proxy").count() == 3
    assert Ballot.objects.filter(resolution=resolution).count() == 9
    # Present or represented: 6 in the room and 3 represented (1, 3, 4).
    assert declared.members_present == 9


def test_open_ballots_name_the_voter_where_secrecy_is_not_required(coop):
    members = make_members(coop, 8)
    meeting = new_meeting(coop)
    resolution = services.add_resolution(
        meeting, title="Open", text="...", kind_id="ordinary", method="poll", secret=False
    )
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members)
    services.open_vote(resolution)
    services.cast_vote(resolution, members[0], "for")
    services.declare_result(resolution)
    assert Ballot.objects.get(resolution=resolution).member == members[0]


def test_lifecycle_guards_say_why(coop):
    members = make_members(coop, 8)
    meeting = new_meeting(coop)
    resolution = services.add_resolution(meeting, title="R", text="...", kind_id="ordinary")
    options = {
        t.name: (ok, why) for t, ok, why in available(MEETING_TRANSITIONS, meeting_facts(meeting))
    }
    assert set(options) == {"call", "cancel"}
    services.call_meeting(meeting, now=notice_day(meeting))
    with pytest.raises(MeetingError, match="added before notice"):
        services.add_resolution(meeting, title="Late", text="...", kind_id="ordinary")
    options = {
        t.name: (ok, why)
        for t, ok, why in available(
            MEETING_TRANSITIONS, meeting_facts(meeting, now=at(meeting.date - timedelta(1)))
        )
    }
    assert options["open"][0] is False and "cannot open before then" in options["open"][1]
    with pytest.raises(MeetingError, match="not in session"):
        services.open_vote(resolution)
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    (open_vote,) = [
        (ok, why)
        for t, ok, why in available(RESOLUTION_TRANSITIONS, resolution_facts(resolution))
        if t.name == "open_vote"
    ]
    assert open_vote == (
        False,
        "The meeting is inquorate: 0 present, 3 needed. A binding vote cannot open.",
    )
    services.check_in_many(meeting, members[:3])
    services.open_vote(resolution)
    with pytest.raises(MeetingError, match="A vote is open"):
        services.close_meeting(meeting)
    with pytest.raises(MeetingError, match="cannot be cancelled|cannot cancel"):
        services.cancel_meeting(meeting)
    services.leave(meeting, members[0])
    assert services.declare_result(resolution, hands=(2, 0, 0)).carried
    services.close_meeting(meeting)
    with pytest.raises(MeetingError, match="closed: cannot open"):
        services.open_meeting(meeting)


def test_adjourned_for_want_of_quorum_the_present_are_a_quorum_where_the_rules_say_so(coop):
    rules = coop.constitution.meetings.quorum_inquorate
    members = make_members(coop, 40)
    meeting = new_meeting(coop)
    resolution = services.add_resolution(meeting, title="R", text="...", kind_id="ordinary")
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members[:4])
    services.adjourn_meeting(meeting, for_quorum=True)
    meeting = services.open_meeting(meeting, now=at(meeting.date + timedelta(days=7)))
    allowed = rules == "adjourn-then-present-are-quorum"
    if allowed:
        assert services.open_vote(resolution).quorum_required == 1
    else:
        with pytest.raises(MeetingError, match="inquorate"):
            services.open_vote(resolution)


def test_notice_pdf_has_agenda_kinds_and_proxy_form():
    org, members, meeting, resolution = _energy_meeting()
    from mutualise.meetings import pdf

    lines = [text for _, text in pdf.notice_lines(meeting)]
    assert any("Solar roof (Ordinary resolution)" in line for line in lines)
    assert any("more than 50% of the votes cast" in line for line in lines)
    document = pdf.notice_pdf(meeting)
    assert document.startswith(b"%PDF") and document.count(b"/Type /Page\n") == 2


def test_a_door_list_with_a_former_member_checks_no_one_in(coop):
    members = make_members(coop, 6)
    meeting = new_meeting(coop)
    services.call_meeting(meeting, now=notice_day(meeting))
    register.cease(members[2], "resigned", on=SUBMITTED)
    with pytest.raises(MeetingError, match=f"numbers {members[2].number}$"):
        services.check_in_many(meeting, members)
    assert meeting.attendances.count() == 0
    services.check_in_many(meeting, members[:2])
    services.leave(meeting, members[0])
    assert services.check_in_many(meeting, members[:2]).present == 2  # back in: left_at cleared


def test_a_vote_arriving_after_the_declaration_is_refused_not_lost(coop):
    members = make_members(coop, 8)
    meeting = new_meeting(coop)
    resolution = services.add_resolution(
        meeting, title="Late", text="...", kind_id="ordinary", method="poll"
    )
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members)
    services.open_vote(resolution)
    services.cast_vote(resolution, members[0], "for")
    stale = type(resolution).objects.get(pk=resolution.pk)  # read while voting was open
    services.declare_result(resolution)
    with pytest.raises(MeetingError, match="voting on this resolution has closed"):
        services._write_vote(stale, members[1], "for", "online", None)
    assert services.tally(resolution) == {"for": 1, "against": 0, "abstain": 0}


def test_agm_deadline_is_the_earlier_of_year_end_and_previous_agm_limits():
    org = found("cooperative-council-board")  # 6 months after 31 March; 15 after the last AGM
    members = make_members(org, 30)
    first = new_meeting(org, kind="agm", day=date(2025, 5, 1), financial_year=2025)
    assert agm_due_by(first) == date(2025, 9, 30)  # no earlier AGM: from the year end
    services.call_meeting(first, now=notice_day(first))
    first = services.open_meeting(first, now=at(first.date))
    services.check_in_many(first, members)
    services.close_meeting(first, now=at(first.date, 21))
    second = new_meeting(org, kind="agm", day=date(2026, 7, 1), financial_year=2026)
    # 30 September 2026 from the year end, but 1 August 2026 from the AGM of 1 May 2025.
    assert agm_due_by(second) == date(2026, 8, 1)
