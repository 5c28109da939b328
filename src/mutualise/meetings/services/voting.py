"""Votes on resolutions: casting, opening a vote, demanding a poll, withdrawing."""

from __future__ import annotations

from django.db import transaction

from mutualise.audit import services as audit
from mutualise.register import services as register
from mutualise.secrecy.sealing import SealBroken

from .. import facts, mixing
from ..ballot_parser import ChoiceInvalid, parse_choice
from ..lifecycle import (
    RESOLUTION_TRANSITIONS,
    MeetingState,
    ResolutionState,
    check,
)
from ..models import (
    Attendance,
    Choice,
    Meeting,
    Resolution,
    VoteRecord,
)
from .attendance import is_present
from .common import (
    DISCRETION,
    Acknowledgement,
    MeetingError,
    NotPermitted,
    _is_member,
    _now,
    is_self,
    may,
    require,
    require_self,
)
from .proxies import live_proxies

# --- votes ----------------------------------------------------------------------------------


def _write_vote(
    resolution: Resolution, member, choice: str, channel: str, actor
) -> Acknowledgement:
    """The "has voted" record and the sealed ballot, in one transaction, only while the
    resolution still takes votes (`mixing.write_vote`); then a mix, once the vote is committed,
    if enough sealed ballots wait. No audit event per vote: one chain per organisation would
    make every vote queue on it, and a timed event beside each vote would date it; the
    declaration audits the counts and the digests of what it publishes."""
    try:
        acknowledgement, waiting = mixing.write_vote(
            resolution, member, choice, channel, _state_taking_votes(channel)
        )
    except mixing.VoteRefused as exc:
        raise MeetingError(str(exc)) from None
    transaction.on_commit(lambda: mixing.mix_when_ready(resolution, waiting))
    return acknowledgement


def _state_taking_votes(channel: str) -> str:
    if channel == VoteRecord.Channel.ADVANCE:
        return ResolutionState.PROPOSED
    return ResolutionState.OPEN


def cast_vote(
    resolution: Resolution,
    member,
    choice: str,
    *,
    channel: str = VoteRecord.Channel.ONLINE,
    proxy_holder=None,
    actor=None,
    now=None,
) -> Acknowledgement:
    """One member's vote on a poll: in advance online, online or on paper at the meeting, or by
    their proxy using discretion. Returns the voter's receipt. `choice` is read by the one
    parser every route shares (`ballot_parser.parse_choice`); what it returns is stored.
    Who: the member themselves; a paper poll card, whoever keys them (`enter_paper_votes`); a
    proxy's vote, the proxy (the chair's console for proxies the chair holds)."""
    _may_cast(resolution, member, channel, proxy_holder, actor)
    try:
        choice = parse_choice(choice)
    except ChoiceInvalid as exc:
        raise MeetingError(str(exc)) from None
    meeting = resolution.meeting
    now = _now(now)
    if resolution.method != Resolution.Method.POLL:
        raise MeetingError("this resolution is decided on a show of hands, counted by the chair")
    allowed, reason = _taking_votes(resolution, channel, now)
    if not allowed:
        raise MeetingError(reason)
    if channel != VoteRecord.Channel.ADVANCE:
        if channel == VoteRecord.Channel.PROXY:
            appointment = live_proxies(meeting).filter(appointer=member).first()
            if appointment is None:
                raise MeetingError(f"member {member.number} has no proxy in force at this meeting")
            if _instructions(appointment).get(str(resolution.number), DISCRETION) != DISCRETION:
                raise MeetingError("this proxy is instructed; the instruction is counted as given")
            if not appointment.is_chair and proxy_holder != appointment.proxy_member:
                raise MeetingError("only the appointed proxy may vote for this member")
        elif _present_and_entitled(meeting, member):
            return _write_vote(resolution, member, choice, channel, actor)
        elif not is_present(meeting, member):
            raise MeetingError(f"member {member.number} must be checked in to vote at the meeting")
    if not _is_member(meeting.organisation, member, meeting.date):
        raise MeetingError(f"{member} is not a member entitled to vote at this meeting")
    return _write_vote(resolution, member, choice, channel, actor)


def _taking_votes(resolution: Resolution, channel: str, now) -> tuple[bool, str]:
    """Whether the resolution takes votes by this channel now: in advance while the meeting is
    called and not begun, else while its vote is open."""
    if channel == VoteRecord.Channel.ADVANCE:
        if not resolution.advance_voting:
            return False, "this resolution takes no votes in advance"
        meeting = resolution.meeting
        if meeting.state != MeetingState.CALLED or now >= meeting.starts_at:
            return False, "advance voting closes when the meeting begins"
        if resolution.state != ResolutionState.PROPOSED:
            return False, f"this resolution is {resolution.get_state_display().lower()}"
        return True, ""
    if resolution.state != ResolutionState.OPEN:
        return False, "voting on this resolution is not open"
    return True, ""


def may_vote(resolution: Resolution, member, *, present: bool, voted: bool, now=None):
    """(allowed, reason): may this member vote on this poll now, online (checked in while the
    vote is open) or in advance? The page asks this, never the states themselves."""
    if member is None:
        return False, "sign in as a member to vote"
    if voted:
        return False, "you have voted on this resolution"
    if resolution.method != Resolution.Method.POLL:
        return False, "this resolution is decided on a show of hands, counted by the chair"
    if resolution.state == ResolutionState.OPEN:
        return (True, "") if present else (False, "check in to the meeting to vote")
    return _taking_votes(resolution, VoteRecord.Channel.ADVANCE, _now(now))


def _may_cast(resolution: Resolution, member, channel: str, proxy_holder, actor) -> None:
    organisation = resolution.organisation
    if channel == VoteRecord.Channel.PAPER:
        require("meetings.enter_paper_votes", actor, organisation)
    elif channel == VoteRecord.Channel.PROXY:
        if not (is_self(actor, proxy_holder) or may("meetings.run_meeting", actor, organisation)):
            raise NotPermitted("Only the appointed proxy may vote for this member.")
    else:
        require_self(actor, member, organisation, what="cast their vote")


def _present_and_entitled(meeting: Meeting, member) -> bool:
    """Checked in and on the register on the meeting's day, in one query (the hot path)."""
    entitled = register.active_members(meeting.organisation, on=meeting.date)
    return Attendance.objects.filter(
        meeting=meeting,
        member=member,
        checked_in_at__isnull=False,
        left_at__isnull=True,
        member__in=entitled.values("pk"),
    ).exists()


def open_vote(given: Resolution, *, actor=None, now=None) -> Resolution:
    """Open a binding vote. Refused while the meeting is inquorate; the quorum is recorded."""
    require("meetings.run_meeting", actor, given.organisation)
    with transaction.atomic():
        resolution = (
            Resolution.objects.select_for_update().select_related("meeting").get(pk=given.pk)
        )
        allowed, reason = check(
            RESOLUTION_TRANSITIONS, facts.resolution_facts(resolution, now), "open_vote"
        )
        if not allowed:
            raise MeetingError(reason)
        state = facts.quorum(resolution.meeting)
        resolution.state = ResolutionState.OPEN
        resolution.quorum_present = state.present
        resolution.quorum_required = state.required
        resolution.opened_at = _now(now)
        resolution.save(update_fields=["state", "quorum_present", "quorum_required", "opened_at"])
        audit.record(
            resolution.organisation,
            "resolution.vote_opened",
            actor=actor,
            subject=resolution,
            data={"present": state.present, "required": state.required},
        )
    given.refresh_from_db()
    return given


def _locked_resolution(given: Resolution) -> Resolution:
    locking = Resolution.objects.select_for_update(of=("self",)).select_related("meeting")
    return locking.get(pk=given.pk)


def demand_poll(given: Resolution, demanders, *, actor=None) -> Resolution:
    """Members present demand a poll instead of a show of hands, as many as the rules name:
    one of them, or the chair recording the demand, acts."""
    if not (may("meetings.run_meeting", actor, given.organisation)
            or any(is_self(actor, m) for m in demanders)):  # fmt: skip
        raise NotPermitted("Only a member demanding the poll, or the chair, may record it.")
    needed = given.organisation.constitution.meetings.ballot_demanded_by
    if needed is None:
        raise MeetingError("these rules give members present no right to demand a poll")
    with transaction.atomic():
        resolution = _locked_resolution(given)
        if resolution.method == Resolution.Method.POLL:
            raise MeetingError("this resolution is already decided on a poll")
        if resolution.state not in (ResolutionState.PROPOSED, ResolutionState.OPEN):
            raise MeetingError("a poll is demanded before the result is declared")
        valid = {m.pk for m in demanders if is_present(resolution.meeting, m)}
        if len(valid) < needed:
            raise MeetingError(
                f"a poll needs {needed} members present to demand it; {len(valid)} did"
            )
        resolution.method = Resolution.Method.POLL
        resolution.save(update_fields=["method"])
        audit.record(
            resolution.organisation,
            "resolution.poll_demanded",
            actor=actor,
            subject=resolution,
            data={"members": sorted(m.number for m in demanders)},
        )
    given.refresh_from_db()
    return given


def withdraw_resolution(given: Resolution, *, actor=None, now=None) -> Resolution:
    require("meetings.run_meeting", actor, given.organisation)
    with transaction.atomic():
        resolution = _locked_resolution(given)
        allowed, reason = check(
            RESOLUTION_TRANSITIONS, facts.resolution_facts(resolution, now), "withdraw"
        )
        if not allowed:
            raise MeetingError(reason)
        resolution.state = ResolutionState.WITHDRAWN
        resolution.save(update_fields=["state"])
        audit.record(
            resolution.organisation, "resolution.withdrawn", actor=actor, subject=resolution
        )
    given.refresh_from_db()
    return given


def _instructions(appointment) -> dict:
    """A proxy's instructions, unsealed; refused in words if the seal key has changed."""
    try:
        return appointment.instructions
    except SealBroken as exc:
        raise MeetingError(str(exc)) from None


def _instructed_proxy_votes(resolution: Resolution) -> dict[str, list]:
    """Appointers whose proxy carries an instruction on this resolution, by choice, leaving out
    members who have voted themselves."""
    voted = VoteRecord.objects.filter(resolution=resolution).values_list("member_id", flat=True)
    voted = set(voted)
    by_choice: dict[str, list] = {c: [] for c in Choice.values}
    for appointment in live_proxies(resolution.meeting):
        choice = _instructions(appointment).get(str(resolution.number), DISCRETION)
        if choice != DISCRETION and appointment.appointer_id not in voted:
            by_choice[choice].append(appointment.appointer)
    return by_choice
