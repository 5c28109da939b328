"""Two meetings end to end: a supporters' trust AGM, and a co-operative society's special
(extraordinary) resolution that changes its rules and so adopts a new constitution version."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core import mail
from meeting_helpers import at, make_members, new_meeting, notice_day

from mutualise.audit.services import events_about, verify
from mutualise.constitution import model_path
from mutualise.constitution.meetings_rules import resolution_passes
from mutualise.constitution.schema import Base
from mutualise.meetings import services
from mutualise.meetings.facts import agm_due_by, notice_days, quorum
from mutualise.meetings.models import Ballot, Minutes, VoteRecord
from mutualise.meetings.services import MeetingError
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def test_supporters_trust_agm(trust, django_capture_on_commit_callbacks):
    members = make_members(trust, 50)  # quorum: 10% of 50 = 5
    agm = new_meeting(
        trust, kind="agm", day=date(2026, 11, 20), financial_year=2026, motion_supporters_required=2
    )
    # Year end 30 June 2026, AGM within 6 months of it.
    assert agm_due_by(agm) == date(2026, 12, 30)
    accounts = services.add_resolution(
        agm, title="Annual accounts", text="To receive the accounts.", kind_id="ordinary"
    )
    motion = services.submit_motion(
        agm,
        members[0],
        title="Fan ownership campaign",
        text="The board shall campaign for fan ownership of the club.",
        kind_id="direction-to-board",
        now=at(date(2026, 10, 1)),
    )
    services.support_motion(motion, members[1])
    with pytest.raises(MeetingError, match="1 supporters; 2 are needed"):
        services.accept_motion(motion)
    services.support_motion(motion, members[2])
    direction = services.accept_motion(motion)
    services.withdraw_resolution(direction)  # re-added below with advance voting
    direction = services.add_resolution(
        agm,
        title=motion.title,
        text=motion.text,
        kind_id="direction-to-board",
        advance_voting=True,
        proposed_by=f"member {members[0].number}",
    )
    assert direction.method == "poll" and direction.secret

    services.call_meeting(agm, now=notice_day(agm))
    with django_capture_on_commit_callbacks(execute=True):  # recorded, then sent on commit
        sent = services.send_notice(agm)
    assert sent.emailed == 25 and sent.letters == 25
    assert len(mail.outbox) == 25 and mail.outbox[0].attachments[0][2] == "application/pdf"
    assert mail.outbox[0].subject == f"Notice of {agm.title}, {agm.date:%-d %B %Y}"
    assert "Agenda and resolutions".upper() in mail.outbox[0].body
    assert sent.letters_pdf.startswith(b"%PDF")

    before = at(agm.date - timedelta(days=2))
    receipts = [
        services.cast_vote(
            direction, m, "for" if i < 7 else "against", channel="advance", now=before
        )
        for i, m in enumerate(members[10:20])
    ]
    assert len({r.receipt for r in receipts}) == 10
    with pytest.raises(MeetingError, match="already voted"):
        services.cast_vote(direction, members[10], "against", channel="advance", now=before)
    with pytest.raises(MeetingError, match="show of hands"):
        services.cast_vote(accounts, members[10], "for", channel="advance", now=before)

    agm = services.open_meeting(agm, now=at(agm.date))
    with pytest.raises(MeetingError, match="advance voting closes"):
        services.cast_vote(direction, members[30], "for", channel="advance", now=at(agm.date))
    services.check_in_many(agm, members[20:30])
    services.check_in_many(agm, members[30:40], mode="online")
    assert quorum(agm).present == 20 and quorum(agm).required == 5

    services.open_vote(accounts)
    declared = services.declare_result(accounts, hands=(15, 2, 3))
    assert declared.carried and declared.result_reason.startswith("Carried")
    assert (declared.votes_for, declared.votes_against, declared.abstentions) == (15, 2, 3)

    services.open_vote(direction)
    for i, member in enumerate(members[20:30]):
        services.cast_vote(direction, member, "for" if i < 6 else "against")
    with pytest.raises(MeetingError, match="must be checked in"):
        services.cast_vote(direction, members[45], "for")
    declared = services.declare_result(direction)
    # 13 for, 7 against: 65%, short of the 2/3 a direction to the board needs.
    assert (declared.votes_for, declared.votes_against) == (13, 7)
    assert declared.carried is False and "2/3" in declared.result_reason
    assert services.tally(direction) == {"for": 13, "against": 7, "abstain": 0}
    heading, *published = services.published_ballots(direction).splitlines()
    assert heading == "choice" and len(published) == 20 and published.count("for") == 13
    # Receipts prove a ballot is counted, not what it says (the rulebook's default).
    assert services.check_receipt(direction, receipts[0].receipt) == (True, None)
    assert services.check_receipt(direction, receipts[9].receipt) == (True, None)
    assert services.check_receipt(direction, "not-a-receipt") == (False, None)
    listed = services.published_receipts(direction).splitlines()
    assert services.receipt_hash(receipts[0].receipt) in listed and len(listed) == 21
    event = events_about(trust, "Resolution", direction.pk).get(action="resolution.declared")
    assert event.data["voted_by_channel"] == {"advance": 10, "online": 10}
    assert event.data["ballots_sha256"] == services.ballots_digest(direction)
    text = services.published_ballots(direction).encode()
    assert event.data["ballots_sha256"] == hashlib.sha256(text).hexdigest()
    receipts_text = services.published_receipts(direction).encode()
    assert event.data["receipts_sha256"] == hashlib.sha256(receipts_text).hexdigest()
    forged = Ballot.objects.filter(resolution=direction, choice="against").first()
    Ballot.objects.filter(pk=forged.pk).update(choice="for")
    assert services.ballots_digest(direction) != event.data["ballots_sha256"]
    Ballot.objects.filter(pk=forged.pk).update(choice="against")

    # Ballot secrecy: the ballots name no member; the "has voted" table holds no choice.
    assert Ballot.objects.filter(resolution=direction, member__isnull=False).count() == 0
    assert VoteRecord.objects.filter(resolution=direction).count() == 20
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert not ballot_fields & {"member_id", "voted_at", "created_at", "channel"}
    assert "choice" not in {f.name for f in VoteRecord._meta.get_fields()}

    services.close_meeting(agm, now=at(agm.date, 21))
    minutes = Minutes.objects.get(meeting=agm)
    assert "Quorum when the vote opened: 20 present, 5 needed." in minutes.text
    assert "Show of hands: 15 for, 2 against, 3 abstaining." in minutes.text
    assert "Total: 13 for, 7 against" in minutes.text

    with pytest.raises(MeetingError, match="later meeting"):
        services.approve_minutes(minutes, at_meeting=agm)
    next_meeting = new_meeting(trust, kind="general", day=date(2027, 2, 1))
    services.call_meeting(next_meeting, now=notice_day(next_meeting))
    next_meeting = services.open_meeting(next_meeting, now=at(next_meeting.date))
    with pytest.raises(MeetingError, match="inquorate"):
        services.approve_minutes(minutes, at_meeting=next_meeting)
    services.check_in_many(next_meeting, members[:5])
    services.approve_minutes(minutes, at_meeting=next_meeting)
    assert services.publish_minutes(minutes).state == "published"
    assert verify(trust).ok


def _rules_with_longer_notice(org) -> str:
    text = org.current_version.source_text
    old = "  general:\n    notice_clear_days: 14"
    assert old in text
    return text.replace(old, "  general:\n    notice_clear_days: 21")


def test_cooperative_special_resolution_changes_its_rules(coop):
    members = make_members(coop, 40)  # quorum: greater of 3 and 25% = 10
    meeting = new_meeting(coop, kind="general")
    near_miss = services.add_resolution(
        meeting,
        title="Longer notice (first draft)",
        text="Amend rule 20: 21 clear days' notice.",
        kind_id="extraordinary",
        new_constitution_text=_rules_with_longer_notice(coop),
    )
    change = services.add_resolution(
        meeting,
        title="Longer notice",
        text="Amend rule 20: 21 clear days' notice.",
        kind_id="extraordinary",
        new_constitution_text=_rules_with_longer_notice(coop),
    )
    with pytest.raises(MeetingError, match="amended rules have problems"):
        services.add_resolution(
            meeting,
            title="Broken",
            text="...",
            kind_id="extraordinary",
            new_constitution_text=_rules_with_longer_notice(coop).replace("21", "many", 1),
        )
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members[:20])

    # Three members present demand a poll (the rules' number) instead of a show of hands.
    with pytest.raises(MeetingError, match="needs 3 members"):
        services.demand_poll(near_miss, members[:2])
    services.demand_poll(near_miss, members[:3])
    services.demand_poll(change, members[:3])

    services.open_vote(near_miss)
    choices = ["for"] * 14 + ["against"] * 5 + ["abstain"]
    for member, choice in zip(members[:20], choices, strict=True):
        services.cast_vote(near_miss, member, choice)
    lost = services.declare_result(near_miss)
    assert (lost.votes_for, lost.votes_against, lost.abstentions) == (14, 5, 1)
    assert lost.carried is False  # 14/19 = 73.7%, under 75%
    assert coop.constitution_versions.count() == 1

    services.open_vote(change)
    choices = ["for"] * 15 + ["against"] * 5
    for member, choice in zip(members[:20], choices, strict=True):
        services.cast_vote(change, member, choice)
    carried = services.declare_result(change, now=at(meeting.date, 21))
    assert carried.carried is True and "75%" in carried.result_reason
    assert "File it with the regulator by 29 September 2026 (14 days)." in carried.result_reason
    assert (carried.votes_for, carried.votes_against) == (15, 5)
    coop.refresh_from_db()
    coop.__dict__.pop("current_version", None)
    assert coop.constitution_versions.count() == 2
    version = coop.current_version
    assert version.number == 2 and "Longer notice" in version.reason
    assert version.source_text == change.new_constitution_text
    assert coop.constitution.meetings.general.notice_clear_days == 21

    # The new rules govern the next meeting.
    later = new_meeting(coop, kind="general", day=date(2026, 12, 1))
    assert notice_days(later) == 21
    with pytest.raises(MeetingError, match="21 clear days"):
        services.call_meeting(later, now=at(date(2026, 11, 15)))
    assert verify(coop).ok


def test_a_tie_is_lost_where_the_chair_has_no_casting_vote(coop):
    members = make_members(coop, 12)
    meeting = new_meeting(coop)
    resolution = services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members)
    services.open_vote(resolution)
    with pytest.raises(MeetingError, match="no casting vote"):
        services.declare_result(resolution, hands=(5, 5, 2), casting_vote="for")
    with pytest.raises(MeetingError, match="only 12 members are present"):
        services.declare_result(resolution, hands=(7, 5, 2))
    declared = services.declare_result(resolution, hands=(5, 5, 2))
    assert declared.carried is False and "A tie is lost" in declared.result_reason


def test_the_chair_must_break_a_tie_where_the_rules_give_a_casting_vote(db):
    from meeting_helpers import found

    ft = found("nhs-foundation-trust")
    members = make_members(ft, 30)
    meeting = new_meeting(ft, kind="annual-members", financial_year=2026)
    resolution = services.add_resolution(meeting, title="X", text="...", kind_id="ordinary")
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members[:24])
    services.open_vote(resolution)
    with pytest.raises(MeetingError, match="must give a casting vote"):
        services.declare_result(resolution, hands=(10, 10, 4))
    declared = services.declare_result(resolution, hands=(10, 10, 4), casting_vote="against")
    assert (declared.votes_for, declared.votes_against, declared.carried) == (10, 11, False)


def test_amalgamation_needs_a_confirming_meeting(coop):
    members = make_members(coop, 20)
    first = new_meeting(coop, day=date(2026, 9, 15))
    resolution = services.add_resolution(
        first, title="Amalgamate with Hillside", text="...", kind_id="amalgamation"
    )
    services.call_meeting(first, now=notice_day(first))
    first = services.open_meeting(first, now=at(first.date))
    services.check_in_many(first, members)
    services.open_vote(resolution)
    carried = services.declare_result(resolution, hands=(14, 6, 0))  # 70% >= 2/3
    assert carried.carried and "confirmed at a second meeting" in carried.result_reason

    second = new_meeting(coop, day=date(2026, 10, 20))
    confirming = services.propose_confirmation(carried, second)
    services.call_meeting(second, now=notice_day(second))
    second = services.open_meeting(second, now=at(second.date))
    services.check_in_many(second, members[:12])
    services.open_vote(confirming)
    confirmed = services.declare_result(confirming, hands=(6, 6, 0))
    assert confirmed.carried is False  # more than half needed: a tie fails
    assert "Confirmation of Amalgamation" in services.kind_rules(confirming).name


AMALGAMATION_CONFIRMED = """\
      confirmation:
        threshold: {fraction: 1/2, inclusive: false} # more than half at a second meeting [S]
        base: votes-cast"""


def test_a_confirmations_base_is_what_its_threshold_is_a_share_of():
    """`confirmation.base: members-present`: 6 for, 4 against and 2 abstaining of 12 present is
    half of those present, not more, so the confirmation fails; of the votes cast it is 60%."""
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    assert text.count(AMALGAMATION_CONFIRMED) == 1
    present = AMALGAMATION_CONFIRMED.replace("base: votes-cast", "base: members-present")
    coop = register.create_organisation(
        name="Present Co-op", constitution_text=text.replace(AMALGAMATION_CONFIRMED, present),
        source_name="present.yaml", slug="present", actor="t",
    )  # fmt: skip
    members = make_members(coop, 20)
    first = new_meeting(coop, day=date(2026, 9, 15))
    resolution = services.add_resolution(
        first, title="Amalgamate", text="...", kind_id="amalgamation"
    )
    services.call_meeting(first, now=notice_day(first))
    first = services.open_meeting(first, now=at(first.date))
    services.check_in_many(first, members)
    services.open_vote(resolution)
    carried = services.declare_result(resolution, hands=(14, 6, 0))
    second = new_meeting(coop, day=date(2026, 10, 20))
    confirming = services.propose_confirmation(carried, second)
    services.call_meeting(second, now=notice_day(second))
    second = services.open_meeting(second, now=at(second.date))
    services.check_in_many(second, members[:12])
    services.open_vote(confirming)
    rules = services.kind_rules(confirming)
    assert rules.base is Base.MEMBERS_PRESENT
    confirmed = services.declare_result(confirming, hands=(6, 4, 2))
    assert confirmed.carried is False
    assert "6 of 12 members present were for" in confirmed.result_reason
    of_votes_cast = rules.model_copy(update={"base": Base.VOTES_CAST})
    assert resolution_passes(of_votes_cast, 6, 4, 2, 12, 20)[0]  # the shipped rule carries it


def test_conversion_confirmation_must_fall_in_the_rules_window(coop):
    members = make_members(coop, 20)
    first = new_meeting(coop, day=date(2026, 9, 15))
    resolution = services.add_resolution(first, title="Convert", text="...", kind_id="conversion")
    services.call_meeting(first, now=notice_day(first))
    first = services.open_meeting(first, now=at(first.date))
    services.check_in_many(first, members[:12])
    services.open_vote(resolution)
    carried = services.declare_result(resolution, hands=(9, 3, 0))  # 75%, 12 of 20 voted
    assert carried.carried
    too_soon = new_meeting(coop, day=date(2026, 9, 25))
    with pytest.raises(MeetingError, match="at least 14 days after"):
        services.propose_confirmation(carried, too_soon)
    too_late = new_meeting(coop, day=date(2026, 10, 30))
    with pytest.raises(MeetingError, match="at most 31 days after"):
        services.propose_confirmation(carried, too_late)
    assert services.propose_confirmation(carried, new_meeting(coop, day=date(2026, 10, 6)))


def test_conversion_fails_on_turnout(coop):
    members = make_members(coop, 40)
    meeting = new_meeting(coop)
    resolution = services.add_resolution(meeting, title="Convert", text="...", kind_id="conversion")
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members[:19])
    services.open_vote(resolution)
    declared = services.declare_result(resolution, hands=(19, 0, 0))  # 100% for, 19 of 40 voted
    assert declared.carried is False and "turnout" in declared.result_reason
