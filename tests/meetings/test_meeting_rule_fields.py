"""Issue 20, item 5: meetings rulebook fields, each changed in a co-operative society's rules and
shown to change what the meetings app allows: `ballot_demanded_by` (how many members present
demand a poll), `member_resolution_statement_words` (a motion's statement) and a confirmation's
`after_days_at_least` / `after_days_at_most` (when the confirming meeting may be), and a
requisition's `board_convenes_within`, `meeting_within` and `otherwise_convened_by_members`, and
a resolution kind's `file_with_regulator_within_days` (the filing date its result names)."""

import re
from datetime import date, timedelta

import pytest
from meeting_helpers import MEETING_DAY, at, make_members, new_meeting, notice_day

from mutualise.constitution import model_path
from mutualise.meetings import services
from mutualise.meetings.models import Resolution
from mutualise.meetings.services import MeetingError
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def _coop(slug, **fields):
    """The co-operative society's rules with these `meetings` fields (two spaces in) or
    confirmation fields (eight spaces in) set."""
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    for field, value in fields.items():
        text, changed = re.subn(
            rf"(?m)^( +){field}: [^#\n]*[^#\s]", rf"\g<1>{field}: {value}", text
        )
        if not changed:
            anchor = "  chair_casting_vote:"
            text = text.replace(anchor, f"  {field}: {value}\n{anchor}", 1)
    return register.create_organisation(
        name=f"Co-op {slug}", constitution_text=text, source_name=f"{slug}.yaml", slug=slug,
        actor="t",
    )  # fmt: skip


def _open_with_resolution(org, present, kind="ordinary"):
    members = make_members(org, 12)
    meeting = new_meeting(org)
    resolution = services.add_resolution(meeting, title="Paint", text="Blue.", kind_id=kind)
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members[:present])
    return resolution, members


@pytest.mark.parametrize("needed", [2, 3])
def test_ballot_demanded_by(needed):
    resolution, members = _open_with_resolution(
        _coop(f"poll-{needed}", ballot_demanded_by=needed), 4
    )
    if needed == 3:
        with pytest.raises(
            MeetingError, match="a poll needs 3 members present to demand it; 2 did"
        ):
            services.demand_poll(resolution, members[:2])
    else:
        assert services.demand_poll(resolution, members[:2]).method == Resolution.Method.POLL


def test_member_resolution_statement_words():
    statement = "Blue is calm and it is cheap"  # seven words
    for limit, refused in ((5, True), (50, False)):
        org = _coop(f"words-{limit}", member_resolution_statement_words=limit)
        (proposer,) = make_members(org, 1)
        meeting = new_meeting(org)
        given = {"title": "Paint", "text": "That we paint it blue.", "kind_id": "ordinary"}
        if refused:
            with pytest.raises(MeetingError, match="statement: 7 words; the rules allow at most 5"):
                services.submit_motion(meeting, proposer, statement=statement, **given)
        else:
            assert services.submit_motion(meeting, proposer, statement=statement, **given)


def _confirming(org, days_later):
    """A carried conversion resolution, and a meeting `days_later` to confirm it."""
    first = new_meeting(org)
    original = services.add_resolution(
        first, title="Convert", text="Become a company.", kind_id="conversion"
    )
    Resolution.objects.filter(pk=original.pk).update(carried=True)  # as if voted and carried
    original.refresh_from_db()
    later = new_meeting(org, day=MEETING_DAY + timedelta(days=days_later))
    return original, later


@pytest.mark.parametrize("at_least", [7, 14])
def test_confirmation_after_days_at_least(at_least):
    org = _coop(f"least-{at_least}", after_days_at_least=at_least)
    original, later = _confirming(org, 10)
    if at_least == 14:
        with pytest.raises(MeetingError, match="at least 14 days after the first; this one is 10"):
            services.propose_confirmation(original, later)
    else:
        assert services.propose_confirmation(original, later).title == "Confirmation: Convert"


@pytest.mark.parametrize("at_most", [31, 60])
def test_confirmation_after_days_at_most(at_most):
    org = _coop(f"most-{at_most}", after_days_at_most=at_most)
    original, later = _confirming(org, 40)
    if at_most == 31:
        with pytest.raises(MeetingError, match="at most 31 days after the first; this one is 40"):
            services.propose_confirmation(original, later)
    else:
        assert services.propose_confirmation(original, later).title == "Confirmation: Convert"


SUBMITTED = date(2026, 3, 2)


def _valid_requisition(org):
    members = make_members(org, 40)  # 10% of 40: 4 signatures
    requisition = services.start_requisition(org, purpose="Remove the board", on=SUBMITTED)
    for member in members[:4]:
        services.sign_requisition(requisition, member, on=SUBMITTED)
    return services.submit_requisition(requisition, on=SUBMITTED), members


def test_board_convenes_within_and_meeting_within():
    usual, _ = _valid_requisition(_coop("req-usual"))
    assert (usual.board_deadline, usual.meeting_deadline) == (date(2026, 4, 2), date(2026, 4, 13))
    org = _coop("req-quick", board_convenes_within="2 weeks", meeting_within="3 months")
    quick, _ = _valid_requisition(org)
    assert (quick.board_deadline, quick.meeting_deadline) == (date(2026, 3, 16), date(2026, 6, 2))


@pytest.mark.parametrize("conveners", [2, 3])
def test_otherwise_convened_by_members(conveners):
    org = _coop(f"req-{conveners}", otherwise_convened_by_members=conveners)
    requisition, members = _valid_requisition(org)
    meeting = new_meeting(org, kind="special", day=date(2026, 4, 10))
    late = date(2026, 4, 3)  # the board's month has passed
    if conveners == 3:
        with pytest.raises(MeetingError, match="3 members must convene it; 2 valid"):
            services.convene_requisitioned_meeting(
                requisition, meeting, by_members=members[:2], on=late
            )
    else:
        done = services.convene_requisitioned_meeting(
            requisition, meeting, by_members=members[:2], on=late
        )
        assert done.state == "members"


@pytest.mark.parametrize("days", [14, 28])
def test_file_with_regulator_within_days(days):
    org = _coop(f"filing-{days}", file_with_regulator_within_days=days)
    resolution, _ = _open_with_resolution(org, 10, kind="extraordinary")
    services.open_vote(resolution)
    declared = services.declare_result(resolution, hands=(10, 0, 0), now=at(MEETING_DAY, 21))
    by = MEETING_DAY + timedelta(days=days)
    assert declared.carried
    assert f"File it with the regulator by {by:%-d %B %Y} ({days} days)." in declared.result_reason
