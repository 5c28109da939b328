"""The verbs of general meetings. Each checks the rulebook, changes state in one transaction and
writes its audit event (votes excepted: see `_write_vote`). Views, the CLI and tests call
these, never the models directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.constitution import RulebookError, load_text
from mutualise.constitution.meetings_rules import requisition_threshold, resolution_passes
from mutualise.constitution.schema import ResolutionKind
from mutualise.register import services as register

from . import facts, mixing
from .ballot_parser import ChoiceInvalid, parse_choice, parse_instruction
from .lifecycle import (
    MEETING_TRANSITIONS,
    RESOLUTION_TRANSITIONS,
    MeetingState,
    ResolutionState,
    check,
)
from .models import (
    Attendance,
    Ballot,
    Choice,
    Meeting,
    Minutes,
    Motion,
    MotionSupporter,
    Paper,
    PollReceipt,
    ProxyAppointment,
    Requisition,
    RequisitionSignature,
    Resolution,
    VoteRecord,
)
from .sealed import SEALED_ACTION

DISCRETION = "discretion"
Acknowledgement = mixing.Acknowledgement
receipt_hash = mixing.receipt_hash


class MeetingError(ValueError):
    """A request the rulebook or the meeting's state does not allow; the message says why."""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _today(now: datetime | None) -> date:
    return timezone.localtime(_now(now)).date()


def _is_member(organisation, member, on: date) -> bool:
    return register.active_members(organisation, on=on).filter(pk=member.pk).exists()


def _require_member(organisation, member, on: date, who: str = "") -> None:
    if member.organisation_id != organisation.pk or not _is_member(organisation, member, on):
        raise MeetingError(f"{who or member} is not a member of {organisation} on {on:%-d %B %Y}")


def member_for(user, organisation):
    """The signed-in user's membership of this organisation, or None."""
    from mutualise.register.models import Member

    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(organisation=organisation, user=user).first()


def agenda(meeting: Meeting) -> list[Resolution]:
    """The meeting's resolutions in order, sharing the meeting's organisation object so that its
    rulebook is parsed once, not once per resolution."""
    resolutions = list(meeting.resolutions.order_by("number"))
    for resolution in resolutions:
        resolution.meeting = meeting
        resolution.organisation = meeting.organisation
    return resolutions


def kind_rules(resolution: Resolution) -> ResolutionKind:
    """The rulebook's rule for this vote: its kind, or its kind's confirmation rule when it
    is the confirming vote at a second meeting."""
    constitution = resolution.organisation.constitution
    kind = constitution.resolution(resolution.kind_id)
    if resolution.confirms_id:
        rule = kind.confirmation
        return ResolutionKind(
            id=kind.id,
            name=f"Confirmation of {kind.name}",
            threshold=rule.threshold,
            base=rule.base,
        )
    return kind


# --- meetings and their agenda --------------------------------------------------------------


def create_meeting(
    organisation,
    *,
    kind: str,
    title: str,
    starts_at: datetime,
    place: str = "",
    online: bool = False,
    financial_year: int | None = None,
    motion_supporters_required: int = 0,
    actor=None,
) -> Meeting:
    if kind not in Meeting.Kind.values:
        raise MeetingError(
            f"unknown meeting kind {kind!r}; kinds are {', '.join(Meeting.Kind.values)}"
        )
    provided = facts.meeting_kinds(organisation.constitution)
    if kind not in provided:
        raise MeetingError(
            f"the rules of {organisation} provide for no {kind} meeting; they provide for "
            f"{', '.join(provided)}"
        )
    if timezone.is_naive(starts_at):
        raise MeetingError("starts_at must be an aware datetime (Europe/London)")
    if kind in (Meeting.Kind.AGM, Meeting.Kind.ANNUAL_MEMBERS) and financial_year is None:
        raise MeetingError("an annual meeting needs the financial_year it reports on")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            organisation=organisation,
            kind=kind,
            title=title,
            starts_at=starts_at,
            place=place,
            online=online,
            financial_year=financial_year,
            motion_supporters_required=motion_supporters_required,
        )
        audit.record(
            organisation,
            "meeting.created",
            actor=actor,
            subject=meeting,
            data={"kind": kind, "title": title, "starts_at": starts_at.isoformat()},
        )
    return meeting


def add_resolution(
    meeting: Meeting,
    *,
    title: str,
    text: str,
    kind_id: str,
    method: str = Resolution.Method.HANDS,
    secret: bool = True,
    advance_voting: bool = False,
    new_constitution_text: str = "",
    proposed_by: str = "",
    actor=None,
    confirms: Resolution | None = None,
) -> Resolution:
    """Put a resolution on the agenda. The agenda is fixed when notice is given."""
    if meeting.state != MeetingState.DRAFT:
        raise MeetingError("resolutions are added before notice is given; this meeting is called")
    try:
        meeting.organisation.constitution.resolution(kind_id)
    except KeyError as exc:
        raise MeetingError(str(exc).strip("\"'")) from None
    if advance_voting:
        method = Resolution.Method.POLL  # votes cast in advance are counted on a poll
    if new_constitution_text:
        try:
            load_text(new_constitution_text, f"amended rules in '{title}'")
        except RulebookError as exc:
            raise MeetingError(f"the amended rules have problems:\n{exc}") from None
    with transaction.atomic():
        number = meeting.resolutions.count() + 1
        resolution = Resolution.objects.create(
            organisation=meeting.organisation,
            meeting=meeting,
            number=number,
            title=title,
            text=text,
            kind_id=kind_id,
            method=method,
            secret=secret,
            advance_voting=advance_voting,
            effect=Resolution.Effect.ADOPT_CONSTITUTION if new_constitution_text else "",
            new_constitution_text=new_constitution_text,
            proposed_by=proposed_by,
            confirms=confirms,
        )
        audit.record(
            meeting.organisation,
            "resolution.added",
            actor=actor,
            subject=resolution,
            data={"meeting": meeting.pk, "number": number, "kind": kind_id, "title": title},
        )
    return resolution


def add_paper(meeting: Meeting, *, title: str, url: str, actor=None, now=None) -> Paper:
    """Publish a paper with the meeting (a link to the annual report, the accounts, ...)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise MeetingError(f"paper '{title}': {url!r} is not an https address") from None
    with transaction.atomic():
        paper = Paper.objects.create(
            organisation=meeting.organisation,
            meeting=meeting,
            title=title,
            url=url,
            added_at=_now(now),
        )
        audit.record(
            meeting.organisation,
            "meeting.paper_added",
            actor=actor,
            subject=meeting,
            data={"title": title, "url": url},
        )
    return paper


def _transition(given: Meeting, name: str, actor, now, **data) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=given.pk)
        allowed, reason = check(MEETING_TRANSITIONS, meeting, name, now)
        if not allowed:
            raise MeetingError(reason)
        meeting.state = MEETING_TRANSITIONS[name].target
        meeting.save(update_fields=["state"])
        audit.record(
            meeting.organisation, f"meeting.{name}", actor=actor, subject=meeting, data=data
        )
    given.refresh_from_db()
    return given


def call_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    """Give notice: the agenda is fixed and the notice date recorded. Refused (saying the
    earliest lawful date) when too little notice is left, unless members consented to less."""
    on = _today(now)
    meeting = _transition(meeting, "call", actor, now, notice_given_on=on.isoformat())
    meeting.notice_given_on = on
    meeting.save(update_fields=["notice_given_on"])
    return meeting


def record_short_notice_consents(meeting: Meeting, count: int, *, actor=None) -> Meeting:
    with transaction.atomic():
        meeting.short_notice_consents = count
        meeting.save(update_fields=["short_notice_consents"])
        audit.record(
            meeting.organisation,
            "meeting.short_notice_consents",
            actor=actor,
            subject=meeting,
            data={"consents": count},
        )
    return meeting


def open_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    meeting = _transition(meeting, "open", actor, now)
    if meeting.opened_at is None:
        meeting.opened_at = _now(now)
        meeting.save(update_fields=["opened_at"])
    return meeting


def adjourn_meeting(meeting: Meeting, *, for_quorum: bool = False, actor=None, now=None) -> Meeting:
    meeting = _transition(meeting, "adjourn", actor, now, for_quorum=for_quorum)
    if for_quorum:
        meeting.adjourned_for_quorum = True
        meeting.save(update_fields=["adjourned_for_quorum"])
    return meeting


def close_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    meeting = _transition(meeting, "close", actor, now)
    meeting.closed_at = _now(now)
    meeting.save(update_fields=["closed_at"])
    draft_minutes(meeting, actor=actor, now=now)
    return meeting


def cancel_meeting(meeting: Meeting, *, actor=None, now=None) -> Meeting:
    return _transition(meeting, "cancel", actor, now)


# --- attendance -----------------------------------------------------------------------------


def register_attendance(meeting: Meeting, member, *, mode: str, actor=None, now=None) -> Attendance:
    if mode not in Attendance.Mode.values:
        raise MeetingError(f"unknown attendance mode {mode!r}")
    if mode == Attendance.Mode.ONLINE and not meeting.online:
        raise MeetingError("this meeting has no online attendance")
    _require_member(meeting.organisation, member, meeting.date)
    with transaction.atomic():
        attendance, _ = Attendance.objects.update_or_create(
            meeting=meeting,
            member=member,
            defaults={
                "organisation": meeting.organisation,
                "mode": mode,
                "registered_at": _now(now),
            },
        )
        audit.record(
            meeting.organisation,
            "meeting.registered",
            actor=actor,
            subject=meeting,
            data={"member": member.number, "mode": mode},
        )
    return attendance


def check_in(
    meeting: Meeting, member, *, mode: str = Attendance.Mode.IN_PERSON, actor=None, now=None
):
    """Mark a member present (at the door, or joining online). Returns the live quorum."""
    if meeting.state not in (MeetingState.CALLED, MeetingState.IN_SESSION, MeetingState.ADJOURNED):
        raise MeetingError("members check in to a called meeting or one in session")
    _require_member(meeting.organisation, member, meeting.date)
    if mode == Attendance.Mode.ONLINE and not meeting.online:
        raise MeetingError("this meeting has no online attendance")
    with transaction.atomic():
        attendance, _ = Attendance.objects.get_or_create(
            meeting=meeting,
            member=member,
            defaults={
                "organisation": meeting.organisation,
                "mode": mode,
                "registered_at": _now(now),
            },
        )
        attendance.mode = mode
        attendance.checked_in_at = _now(now)
        attendance.left_at = None
        attendance.save(update_fields=["mode", "checked_in_at", "left_at"])
        audit.record(
            meeting.organisation,
            "meeting.checked_in",
            actor=actor,
            subject=meeting,
            data={"member": member.number, "mode": mode},
        )
    return facts.quorum(meeting)


def check_in_many(
    meeting: Meeting, members, *, mode: str = Attendance.Mode.IN_PERSON, actor=None, now=None
):
    """Check in a batch (a door list or the online waiting room); one audit event."""
    members = list(members)
    if meeting.state not in (MeetingState.CALLED, MeetingState.IN_SESSION, MeetingState.ADJOURNED):
        raise MeetingError("members check in to a called meeting or one in session")
    if mode == Attendance.Mode.ONLINE and not meeting.online:
        raise MeetingError("this meeting has no online attendance")
    entitled = set(
        register.active_members(meeting.organisation, on=meeting.date)
        .filter(pk__in=[m.pk for m in members])
        .values_list("pk", flat=True)
    )
    strangers = sorted(m.number for m in members if m.pk not in entitled)
    if strangers:
        shown = ", ".join(map(str, strangers[:10])) + (" ..." if len(strangers) > 10 else "")
        raise MeetingError(f"not members on {meeting.date:%-d %B %Y}: numbers {shown}")
    at = _now(now)
    with transaction.atomic():
        Attendance.objects.bulk_create(
            [
                Attendance(
                    organisation=meeting.organisation,
                    meeting=meeting,
                    member=member,
                    mode=mode,
                    registered_at=at,
                    checked_in_at=at,
                )
                for member in members
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["meeting", "member"],
            update_fields=["mode", "checked_in_at", "left_at"],
        )
        audit.record(
            meeting.organisation,
            "meeting.checked_in",
            actor=actor,
            subject=meeting,
            data={"members": [m.number for m in members], "mode": mode},
        )
    return facts.quorum(meeting)


def leave(meeting: Meeting, member, *, actor=None, now=None):
    with transaction.atomic():
        updated = Attendance.objects.filter(
            meeting=meeting, member=member, checked_in_at__isnull=False, left_at__isnull=True
        ).update(left_at=_now(now))
        if not updated:
            raise MeetingError(f"member {member.number} is not checked in")
        audit.record(
            meeting.organisation,
            "meeting.left",
            actor=actor,
            subject=meeting,
            data={"member": member.number},
        )
    return facts.quorum(meeting)


def is_present(meeting: Meeting, member) -> bool:
    return Attendance.objects.filter(
        meeting=meeting, member=member, checked_in_at__isnull=False, left_at__isnull=True
    ).exists()


# --- proxies --------------------------------------------------------------------------------


def proxy_deadline(meeting: Meeting) -> datetime | None:
    hours = meeting.organisation.constitution.meetings.proxies.lodge_hours_before
    return None if hours is None else meeting.starts_at - timedelta(hours=hours)


def appoint_proxy(
    meeting: Meeting,
    appointer,
    *,
    proxy_member=None,
    proxy_name: str = "",
    instructions: dict | None = None,
    actor=None,
    now=None,
) -> ProxyAppointment:
    """Appoint a proxy for this meeting; without one named, the chair of the meeting.

    `instructions` maps resolution numbers to for / against / abstain / discretion (the
    default). A new appointment replaces the member's earlier one. The rulebook's limit of
    proxies per person applies to members named as proxies, not to the chair of the meeting,
    who holds every proxy that names no one.
    """
    rules = meeting.organisation.constitution.meetings.proxies
    now = _now(now)
    if not rules.allowed:
        raise MeetingError("the rules of this organisation do not allow proxies")
    if meeting.state not in (MeetingState.DRAFT, MeetingState.CALLED):
        raise MeetingError("proxies are appointed before the meeting opens")
    deadline = proxy_deadline(meeting)
    if deadline is not None and now > deadline:
        raise MeetingError(
            f"proxies had to be lodged by {timezone.localtime(deadline):%-d %B %Y %H:%M} "
            f"({rules.lodge_hours_before} hours before the meeting)"
        )
    _require_member(meeting.organisation, appointer, _today(now))
    if proxy_name and rules.proxy_must_be_member:
        raise MeetingError("a proxy must be a member under these rules: choose a member")
    if proxy_member is not None:
        if proxy_member.pk == appointer.pk:
            raise MeetingError("a member cannot be their own proxy")
        _require_member(meeting.organisation, proxy_member, _today(now), "the proxy")
    numbers = {str(r.number) for r in meeting.resolutions.all()}
    clean = {}
    for key, choice in (instructions or {}).items():
        if str(key) not in numbers:
            raise MeetingError(f"instructions: there is no resolution {key} on the agenda")
        try:
            clean[str(key)] = parse_instruction(choice, f"instructions: resolution {key}")
        except ChoiceInvalid as exc:
            raise MeetingError(str(exc)) from None
    with transaction.atomic():
        if proxy_member is not None and rules.max_per_proxy is not None:
            held = (
                ProxyAppointment.objects.select_for_update()
                .filter(meeting=meeting, proxy_member=proxy_member, revoked_at__isnull=True)
                .exclude(appointer=appointer)
                .count()
            )
            if held >= rules.max_per_proxy:
                raise MeetingError(
                    f"{proxy_member.display_name} already holds {held} proxies, the most the "
                    f"rules allow ({rules.max_per_proxy})"
                )
        ProxyAppointment.objects.filter(
            meeting=meeting, appointer=appointer, revoked_at__isnull=True
        ).update(revoked_at=now)
        appointment = ProxyAppointment.objects.create(
            organisation=meeting.organisation,
            meeting=meeting,
            appointer=appointer,
            proxy_member=proxy_member,
            proxy_name=proxy_name,
            is_chair=proxy_member is None and not proxy_name,
            instructions=clean,
            lodged_at=now,
        )
        audit.record(
            meeting.organisation,
            "proxy.appointed",
            actor=actor,
            subject=appointment,
            data={
                "meeting": meeting.pk,
                "appointer": appointer.number,
                "holder": appointment.holder,
            },
        )
    return appointment


def live_proxies(meeting: Meeting):
    """Appointments in force: not revoked, and the appointer has not come in person."""
    present = meeting.attendances.filter(checked_in_at__isnull=False, left_at__isnull=True)
    return (
        ProxyAppointment.objects.filter(meeting=meeting, revoked_at__isnull=True)
        .exclude(appointer_id__in=present.values("member_id"))
        .select_related("appointer", "proxy_member")
    )


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
    parser every route shares (`ballot_parser.parse_choice`); what it returns is stored."""
    try:
        choice = parse_choice(choice)
    except ChoiceInvalid as exc:
        raise MeetingError(str(exc)) from None
    meeting = resolution.meeting
    now = _now(now)
    if resolution.method != Resolution.Method.POLL:
        raise MeetingError("this resolution is decided on a show of hands, counted by the chair")
    if channel == VoteRecord.Channel.ADVANCE:
        if not resolution.advance_voting:
            raise MeetingError("this resolution takes no votes in advance")
        if meeting.state != MeetingState.CALLED or now >= meeting.starts_at:
            raise MeetingError("advance voting closes when the meeting begins")
        if resolution.state != ResolutionState.PROPOSED:
            raise MeetingError(f"this resolution is {resolution.get_state_display().lower()}")
    else:
        if resolution.state != ResolutionState.OPEN:
            raise MeetingError("voting on this resolution is not open")
        if channel == VoteRecord.Channel.PROXY:
            appointment = live_proxies(meeting).filter(appointer=member).first()
            if appointment is None:
                raise MeetingError(f"member {member.number} has no proxy in force at this meeting")
            if appointment.instructions.get(str(resolution.number), DISCRETION) != DISCRETION:
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
    with transaction.atomic():
        resolution = (
            Resolution.objects.select_for_update().select_related("meeting").get(pk=given.pk)
        )
        allowed, reason = check(RESOLUTION_TRANSITIONS, resolution, "open_vote", now)
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


def demand_poll(resolution: Resolution, demanders, *, actor=None) -> Resolution:
    """Members present demand a poll instead of a show of hands, as many as the rules name."""
    needed = resolution.organisation.constitution.meetings.ballot_demanded_by
    if resolution.method == Resolution.Method.POLL:
        raise MeetingError("this resolution is already decided on a poll")
    if resolution.state not in (ResolutionState.PROPOSED, ResolutionState.OPEN):
        raise MeetingError("a poll is demanded before the result is declared")
    valid = {m.pk for m in demanders if is_present(resolution.meeting, m)}
    if needed is None:
        raise MeetingError("these rules give members present no right to demand a poll")
    if len(valid) < needed:
        raise MeetingError(f"a poll needs {needed} members present to demand it; {len(valid)} did")
    with transaction.atomic():
        resolution.method = Resolution.Method.POLL
        resolution.save(update_fields=["method"])
        audit.record(
            resolution.organisation,
            "resolution.poll_demanded",
            actor=actor,
            subject=resolution,
            data={"members": sorted(m.number for m in demanders)},
        )
    return resolution


def withdraw_resolution(resolution: Resolution, *, actor=None, now=None) -> Resolution:
    with transaction.atomic():
        allowed, reason = check(RESOLUTION_TRANSITIONS, resolution, "withdraw", now)
        if not allowed:
            raise MeetingError(reason)
        resolution.state = ResolutionState.WITHDRAWN
        resolution.save(update_fields=["state"])
        audit.record(
            resolution.organisation, "resolution.withdrawn", actor=actor, subject=resolution
        )
    return resolution


def _instructed_proxy_votes(resolution: Resolution) -> dict[str, list]:
    """Appointers whose proxy carries an instruction on this resolution, by choice, leaving out
    members who have voted themselves."""
    voted = VoteRecord.objects.filter(resolution=resolution).values_list("member_id", flat=True)
    voted = set(voted)
    by_choice: dict[str, list] = {c: [] for c in Choice.values}
    for appointment in live_proxies(resolution.meeting):
        choice = appointment.instructions.get(str(resolution.number), DISCRETION)
        if choice != DISCRETION and appointment.appointer_id not in voted:
            by_choice[choice].append(appointment.appointer)
    return by_choice


def ballots_digest(resolution: Resolution) -> str:
    """`ballots_sha256`: SHA-256 of the UTF-8 bytes of the published ballot list exactly as
    served (`published_ballots`), written to the audit chain at the declaration, so a ballot
    changed, added or removed afterwards no longer matches."""
    return mixing.digest(mixing.ballots_text(resolution))


def receipts_digest(resolution: Resolution) -> str:
    """`receipts_sha256`: SHA-256 of the published receipt list (`published_receipts`)."""
    return mixing.digest(mixing.receipts_text(resolution))


def _published(resolution: Resolution) -> None:
    if resolution.state != ResolutionState.DECLARED or resolution.method != Resolution.Method.POLL:
        raise MeetingError("ballots are published once a poll's result is declared")


def published_ballots(resolution: Resolution) -> str:
    """The anonymised ballot list of a declared poll, CSV text anyone can recount from: the
    choices, sorted (or, with the rulebook's contents receipts, receipt hash and choice)."""
    _published(resolution)
    return mixing.ballots_text(resolution)


def published_receipts(resolution: Resolution) -> str:
    """The list of receipts counted (their SHA-256), sorted: each voter finds their own line.
    Nothing in it orders or keys a receipt to a line of the ballot list."""
    _published(resolution)
    return mixing.receipts_text(resolution)


class ReceiptCheck(NamedTuple):
    counted: bool
    choice: str | None  # only where the rulebook chooses receipts that show the contents


def check_receipt(resolution: Resolution, receipt: str) -> ReceiptCheck:
    """Whether the ballot with this receipt is counted (and, with contents receipts, what it
    says). Receipts are looked up by POST, never put in a URL, a log line or an audit event."""
    if resolution.state != ResolutionState.DECLARED:
        raise MeetingError("receipts can be checked once the result is declared")
    digest = receipt_hash(receipt.strip()[:64])
    counted = PollReceipt.objects.filter(resolution=resolution, receipt=digest).exists()
    choice = None
    if counted and mixing.shows_contents(resolution):
        found = Ballot.objects.filter(resolution=resolution, receipt=digest)
        choice = found.values_list("choice", flat=True).first()
    return ReceiptCheck(counted, choice)


def tally(resolution: Resolution) -> dict[str, int]:
    counts = dict.fromkeys(Choice.values, 0)
    rows = Ballot.objects.filter(resolution=resolution).values("choice").annotate(n=Count("pk"))
    for row in rows:
        counts[row["choice"]] = row["n"]
    return counts


def declare_result(
    given: Resolution,
    *,
    hands: tuple[int, int, int] | None = None,
    discretionary: tuple[int, int, int] = (0, 0, 0),
    casting_vote: str = "",
    actor=None,
    now=None,
) -> Resolution:
    """Count and declare. On a show of hands the chair gives the room's figures (for, against,
    abstain) and how discretionary proxies were used; instructed proxies are added as
    instructed. On a poll every vote is a ballot, instructed proxies are cast here.
    A tie goes to the chair's casting vote if the rules give one, else it is lost."""
    rules = given.organisation.constitution.meetings
    if casting_vote and not rules.chair_casting_vote:
        raise MeetingError("the chair has no casting vote under these rules: a tie is lost")
    if casting_vote not in ("", "for", "against"):
        raise MeetingError("a casting vote is for or against")
    with transaction.atomic():
        resolution = (
            Resolution.objects.select_for_update().select_related("meeting").get(pk=given.pk)
        )
        allowed, reason = check(RESOLUTION_TRANSITIONS, resolution, "declare", now)
        if not allowed:
            raise MeetingError(reason)
        meeting = resolution.meeting
        instructed = _instructed_proxy_votes(resolution)
        proxy = {c: len(members) for c, members in instructed.items()}
        if resolution.method == Resolution.Method.POLL:
            if hands is not None:
                raise MeetingError("this resolution is decided on a poll: no show of hands")
            for choice, members in instructed.items():
                for member in members:
                    _write_vote(resolution, member, choice, VoteRecord.Channel.PROXY, actor)
            mixing.close_box(resolution)
            counted = tally(resolution)
        else:
            if hands is None or any(n < 0 for n in (*hands, *discretionary)):
                raise MeetingError("give the show of hands as three counts: for, against, abstain")
            if sum(hands) > facts.present_count(meeting):
                raise MeetingError(
                    f"{sum(hands)} hands counted but only {facts.present_count(meeting)} members "
                    "are present"
                )
            counted = {
                c: hands[i] + discretionary[i] + proxy[c] for i, c in enumerate(Choice.values)
            }
            resolution.hands_for, resolution.hands_against, resolution.hands_abstain = hands
        for_, against, abstain = counted["for"], counted["against"], counted["abstain"]
        if for_ == against and for_ and rules.chair_casting_vote:
            if not casting_vote:
                raise MeetingError("the vote is tied: the chair must give a casting vote")
            for_ += casting_vote == "for"
            against += casting_vote == "against"
        elif casting_vote:
            raise MeetingError("the chair gives a casting vote only when the vote is tied")
        present = facts.present_count(meeting) + live_proxies(meeting).count()
        total = facts.members_total(meeting)
        carried, why = resolution_passes(
            kind_rules(resolution), for_, against, abstain, present, total
        )
        filing = kind_rules(resolution).file_with_regulator_within_days
        if carried and filing is not None:
            by = _today(now) + timedelta(days=filing)
            why += f" File it with the regulator by {by:%-d %B %Y} ({filing} days)."
        resolution.proxy_for, resolution.proxy_against, resolution.proxy_abstain = (
            proxy["for"],
            proxy["against"],
            proxy["abstain"],
        )
        resolution.votes_for, resolution.votes_against, resolution.abstentions = (
            for_,
            against,
            abstain,
        )
        resolution.members_present, resolution.members_total = present, total
        resolution.casting_vote = casting_vote
        resolution.carried = carried
        resolution.result_reason = why
        resolution.state = ResolutionState.DECLARED
        resolution.declared_at = _now(now)
        resolution.save()
        if resolution.method == Resolution.Method.POLL:
            # The ballots as counted, sealed: `audit verify` names any changed afterwards.
            audit.seal_ballots(
                resolution.organisation, SEALED_ACTION, subject=resolution, actor=actor
            )
        audit.record(
            resolution.organisation,
            "resolution.declared",
            actor=actor,
            subject=resolution,
            data={
                "voted_by_channel": _voted_by_channel(resolution),
                "ballots_sha256": ballots_digest(resolution),
                "receipts_sha256": receipts_digest(resolution),
                "for": for_,
                "against": against,
                "abstain": abstain,
                "present": present,
                "total": total,
                "carried": carried,
                "casting_vote": casting_vote,
            },
        )
        if carried:
            _take_effect(resolution, actor)
    given.refresh_from_db()
    return given


def _voted_by_channel(resolution: Resolution) -> dict[str, int]:
    rows = (
        VoteRecord.objects.filter(resolution=resolution).values("channel").annotate(n=Count("pk"))
    )
    return {row["channel"]: row["n"] for row in rows}


def _take_effect(resolution: Resolution, actor) -> None:
    """A carried resolution that needs no further confirmation takes effect now."""
    original = resolution.confirms or resolution
    if not resolution.confirms_id and kind_rules(resolution).confirmation is not None:
        return  # waits for the confirming meeting
    if original.effect == Resolution.Effect.ADOPT_CONSTITUTION:
        kind = resolution.organisation.constitution.resolution(original.kind_id)
        register.adopt_constitution(
            resolution.organisation,
            text=original.new_constitution_text,
            source_name=f"{resolution.organisation.slug}-rules-resolution-{original.pk}.yaml",
            actor=actor,
            reason=(
                f"{kind.name} {original.number} '{original.title}' carried at "
                f"{resolution.meeting.title} on {resolution.meeting.date:%-d %B %Y}"
            ),
        )


def propose_confirmation(original: Resolution, meeting: Meeting, *, actor=None) -> Resolution:
    """Put the confirming vote a carried resolution needs on a later meeting's agenda."""
    rule = original.organisation.constitution.resolution(original.kind_id).confirmation
    if rule is None:
        raise MeetingError("this kind of resolution needs no confirming meeting")
    if original.carried is not True:
        raise MeetingError("only a carried resolution can be confirmed")
    gap = (meeting.date - original.meeting.date).days
    if rule.after_days_at_least is not None and gap < rule.after_days_at_least:
        raise MeetingError(
            f"the confirming meeting must be at least {rule.after_days_at_least} days after the "
            f"first; this one is {gap} days after"
        )
    if rule.after_days_at_most is not None and gap > rule.after_days_at_most:
        raise MeetingError(
            f"the confirming meeting must be at most {rule.after_days_at_most} days after the "
            f"first; this one is {gap} days after"
        )
    return add_resolution(
        meeting,
        title=f"Confirmation: {original.title}",
        text=original.text,
        kind_id=original.kind_id,
        method=original.method,
        secret=original.secret,
        advance_voting=original.advance_voting,
        proposed_by="the board",
        actor=actor,
        confirms=original,
    )


# --- requisition ----------------------------------------------------------------------------


def start_requisition(organisation, *, purpose: str, actor=None, on: date | None = None):
    if organisation.constitution.meetings.requisition is None:
        raise MeetingError("the rules of this organisation give members no right to requisition")
    with transaction.atomic():
        requisition = Requisition.objects.create(
            organisation=organisation, purpose=purpose, started_on=on or register.today()
        )
        audit.record(organisation, "requisition.started", actor=actor, subject=requisition)
    return requisition


def sign_requisition(requisition: Requisition, member, *, on: date | None = None, actor=None):
    on = on or register.today()
    if requisition.state != Requisition.State.COLLECTING:
        raise MeetingError("this requisition has been submitted")
    _require_member(requisition.organisation, member, on)
    try:
        with transaction.atomic():
            signature = RequisitionSignature.objects.create(
                requisition=requisition, member=member, signed_on=on
            )
            audit.record(
                requisition.organisation,
                "requisition.signed",
                actor=actor,
                subject=requisition,
                data={"member": member.number},
            )
    except IntegrityError:
        raise MeetingError(f"member {member.number} has already signed") from None
    return signature


def submit_requisition(requisition: Requisition, *, on: date | None = None, actor=None):
    """Count the signatures of those still members against the rulebook's threshold. A valid
    requisition starts the board's deadline to convene, and the meeting's."""
    on = on or register.today()
    rules = requisition.organisation.constitution.meetings.requisition
    active = register.active_members(requisition.organisation, on=on)
    valid = requisition.signatures.filter(member__in=active).count()
    total = active.count()
    needed = requisition_threshold(rules, total)
    with transaction.atomic():
        requisition.submitted_on = on
        requisition.members_at_submission = total
        requisition.signatures_needed = needed
        requisition.valid_signatures = valid
        if valid >= needed:
            requisition.state = Requisition.State.VALID
            if rules.board_convenes_within is not None:
                requisition.board_deadline = facts.add_period(on, rules.board_convenes_within)
            if rules.meeting_within is not None:
                requisition.meeting_deadline = facts.add_period(on, rules.meeting_within)
        else:
            requisition.state = Requisition.State.TOO_FEW
        requisition.save()
        audit.record(
            requisition.organisation,
            "requisition.submitted",
            actor=actor,
            subject=requisition,
            data={"valid": valid, "needed": needed, "members": total, "state": requisition.state},
        )
    return requisition


def convene_requisitioned_meeting(
    requisition: Requisition,
    meeting: Meeting,
    *,
    by_members: tuple = (),
    on: date | None = None,
    actor=None,
) -> Requisition:
    """The board convenes the meeting; or, once the board's deadline has passed, the number of
    members the rules name convene it themselves (`by_members`)."""
    on = on or register.today()
    rules = requisition.organisation.constitution.meetings.requisition
    if requisition.state != Requisition.State.VALID:
        raise MeetingError(f"this requisition is {requisition.get_state_display().lower()}")
    if requisition.meeting_deadline and meeting.date > requisition.meeting_deadline:
        raise MeetingError(
            f"the requisitioned meeting must be held by {requisition.meeting_deadline:%-d %B %Y}"
        )
    if by_members:
        if rules.otherwise_convened_by_members is None:
            raise MeetingError("these rules do not let members convene the meeting themselves")
        if requisition.board_deadline is None or on <= requisition.board_deadline:
            raise MeetingError(
                f"the board has until {requisition.board_deadline:%-d %B %Y} to convene it"
                if requisition.board_deadline
                else "the rules set the board no deadline"
            )
        conveners = {m.pk for m in by_members if _is_member(requisition.organisation, m, on)}
        if len(conveners) < rules.otherwise_convened_by_members:
            raise MeetingError(
                f"{rules.otherwise_convened_by_members} members must convene it; "
                f"{len(conveners)} valid"
            )
        state = Requisition.State.CONVENED_BY_MEMBERS
    else:
        if requisition.board_deadline and on > requisition.board_deadline:
            raise MeetingError(
                f"the board's deadline ({requisition.board_deadline:%-d %B %Y}) has passed; "
                "the members may convene the meeting"
            )
        state = Requisition.State.CONVENED_BY_BOARD
    with transaction.atomic():
        requisition.state = state
        requisition.meeting = meeting
        requisition.save(update_fields=["state", "meeting"])
        audit.record(
            requisition.organisation,
            "requisition.convened",
            actor=actor,
            subject=requisition,
            data={"meeting": meeting.pk, "by": state},
        )
    return requisition


# --- members' motions -----------------------------------------------------------------------


def word_count(text: str) -> int:
    return len(text.split())


def submit_motion(
    meeting: Meeting,
    proposer,
    *,
    title: str,
    text: str,
    kind_id: str,
    statement: str = "",
    actor=None,
    now=None,
) -> Motion:
    if meeting.state != MeetingState.DRAFT:
        raise MeetingError("motions are taken before notice of the meeting is given")
    _require_member(meeting.organisation, proposer, _today(now))
    try:
        meeting.organisation.constitution.resolution(kind_id)
    except KeyError as exc:
        raise MeetingError(str(exc).strip("\"'")) from None
    limit = meeting.organisation.constitution.meetings.member_resolution_statement_words
    if limit is not None and word_count(statement) > limit:
        raise MeetingError(
            f"statement: {word_count(statement)} words; the rules allow at most {limit}"
        )
    with transaction.atomic():
        motion = Motion.objects.create(
            organisation=meeting.organisation,
            meeting=meeting,
            proposer=proposer,
            title=title,
            text=text,
            statement=statement,
            kind_id=kind_id,
            submitted_at=_now(now),
        )
        audit.record(
            meeting.organisation,
            "motion.submitted",
            actor=actor,
            subject=motion,
            data={"proposer": proposer.number, "title": title},
        )
    return motion


def support_motion(motion: Motion, member, *, actor=None, on: date | None = None):
    if motion.meeting.state != MeetingState.DRAFT:
        raise MeetingError("motions are supported before notice of the meeting is given")
    _require_member(motion.organisation, member, on or register.today())
    if member.pk == motion.proposer_id:
        raise MeetingError("the proposer cannot also be a supporter")
    try:
        with transaction.atomic():
            MotionSupporter.objects.create(motion=motion, member=member)
            audit.record(
                motion.organisation,
                "motion.supported",
                actor=actor,
                subject=motion,
                data={"member": member.number},
            )
    except IntegrityError:
        raise MeetingError(f"member {member.number} already supports this motion") from None


def accept_motion(given: Motion, *, actor=None) -> Resolution:
    """Put a members' motion on the agenda as a resolution, once it has the supporters the
    meeting needs. A motion is accepted once."""
    with transaction.atomic():
        motion = Motion.objects.select_for_update().select_related("meeting").get(pk=given.pk)
        if motion.state != Motion.State.SUBMITTED:
            raise MeetingError(f"this motion is {motion.get_state_display().lower()} already")
        needed = motion.meeting.motion_supporters_required
        have = motion.supporters.count()
        if have < needed:
            raise MeetingError(f"the motion has {have} supporters; {needed} are needed")
        resolution = add_resolution(
            motion.meeting,
            title=motion.title,
            text=motion.text,
            kind_id=motion.kind_id,
            proposed_by=f"member {motion.proposer.number}",
            actor=actor,
        )
        motion.state = Motion.State.ACCEPTED
        motion.resolution = resolution
        motion.save(update_fields=["state", "resolution"])
        audit.record(
            motion.organisation,
            "motion.accepted",
            actor=actor,
            subject=motion,
            data={"resolution": resolution.number, "supporters": have},
        )
    given.refresh_from_db()
    return resolution


# --- minutes --------------------------------------------------------------------------------


def _figures(resolution: Resolution) -> str:
    if resolution.state != ResolutionState.DECLARED:
        return f"Resolution {resolution.number} ({resolution.title}): {resolution.get_state_display()}."
    lines = [
        f"Resolution {resolution.number}: {resolution.title} "
        f"({kind_rules(resolution).name}, {resolution.get_method_display().lower()}).",
        f"  Quorum when the vote opened: {resolution.quorum_present} present, "
        f"{resolution.quorum_required} needed.",
    ]
    if resolution.method == Resolution.Method.HANDS:
        lines.append(
            f"  Show of hands: {resolution.hands_for} for, {resolution.hands_against} against, "
            f"{resolution.hands_abstain} abstaining."
        )
    lines += [
        f"  Instructed proxies: {resolution.proxy_for} for, {resolution.proxy_against} against, "
        f"{resolution.proxy_abstain} abstaining.",
        f"  Total: {resolution.votes_for} for, {resolution.votes_against} against, "
        f"{resolution.abstentions} abstentions; {resolution.members_present} members present "
        f"or represented of {resolution.members_total}.",
    ]
    if resolution.casting_vote:
        lines.append(f"  The chair gave a casting vote {resolution.casting_vote}.")
    lines.append(f"  {resolution.result_reason}")
    return "\n".join(lines)


def minutes_text(meeting: Meeting) -> str:
    attendances = meeting.attendances.filter(checked_in_at__isnull=False)
    in_person = attendances.filter(mode=Attendance.Mode.IN_PERSON).count()
    online = attendances.filter(mode=Attendance.Mode.ONLINE).count()
    proxies = ProxyAppointment.objects.filter(meeting=meeting, revoked_at__isnull=True).count()
    quorum = facts.quorum(meeting)
    lines = [
        f"Minutes of the {meeting.get_kind_display().lower()} of {meeting.organisation.name}",
        f"held on {meeting.date:%-d %B %Y} at {meeting.place or 'online'}.",
        "",
        f"Attendance: {in_person} members in person, {online} online; {proxies} proxies lodged.",
        f"Quorum: {quorum.required} of {quorum.members_total} members needed.",
        f"Notice was given on {meeting.notice_given_on:%-d %B %Y}."
        if meeting.notice_given_on
        else "",
        "",
    ]
    lines += [_figures(r) for r in agenda(meeting)]
    return "\n".join(lines).strip() + "\n"


def draft_minutes(meeting: Meeting, *, actor=None, now=None) -> Minutes:
    with transaction.atomic():
        minutes, _ = Minutes.objects.update_or_create(
            meeting=meeting,
            defaults={
                "organisation": meeting.organisation,
                "text": minutes_text(meeting),
                "drafted_at": _now(now),
            },
        )
        audit.record(meeting.organisation, "minutes.drafted", actor=actor, subject=minutes)
    return minutes


def approve_minutes(minutes: Minutes, *, at_meeting: Meeting, actor=None, now=None) -> Minutes:
    """Minutes are approved at a later meeting, while it is in session and quorate."""
    if minutes.state != Minutes.State.DRAFT:
        raise MeetingError("these minutes are already approved")
    if (
        at_meeting.organisation_id != minutes.organisation_id
        or at_meeting.starts_at <= minutes.meeting.starts_at
    ):
        raise MeetingError("minutes are approved at a later meeting of the same organisation")
    if at_meeting.state != MeetingState.IN_SESSION:
        raise MeetingError("the approving meeting must be in session")
    state = facts.quorum(at_meeting)
    if not state.quorate:
        raise MeetingError(f"the approving meeting is inquorate: {state}")
    with transaction.atomic():
        minutes.state = Minutes.State.APPROVED
        minutes.approved_at_meeting = at_meeting
        minutes.approved_at = _now(now)
        minutes.save(update_fields=["state", "approved_at_meeting", "approved_at"])
        audit.record(
            minutes.organisation,
            "minutes.approved",
            actor=actor,
            subject=minutes,
            data={"at_meeting": at_meeting.pk},
        )
    return minutes


def publish_minutes(minutes: Minutes, *, actor=None, now=None) -> Minutes:
    if minutes.state != Minutes.State.APPROVED:
        raise MeetingError("only approved minutes are published")
    with transaction.atomic():
        minutes.state = Minutes.State.PUBLISHED
        minutes.published_at = _now(now)
        minutes.save(update_fields=["state", "published_at"])
        audit.record(minutes.organisation, "minutes.published", actor=actor, subject=minutes)
    return minutes


# --- sending the notice ---------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeSent:
    emailed: int
    letters: int
    letters_pdf: bytes


_TAKES_EMAIL = Q(contact_channel="email") & ~Q(email="")


def members_by_post(meeting: Meeting) -> list:
    """Members sent the notice by post: those who chose post, or gave no email address."""
    on = meeting.notice_given_on or register.today()
    members = register.active_members(meeting.organisation, on=on).exclude(_TAKES_EMAIL)
    return list(members.order_by("postcode", "number"))


def send_notice(meeting: Meeting, *, actor=None) -> NoticeSent:
    """Email the notice (PDF attached) to members who take email, and make one post-ready PDF
    of letters for the rest. The meeting must have been called (notice given)."""
    from django.core.mail import EmailMessage, get_connection

    from . import pdf

    if meeting.state == MeetingState.DRAFT or meeting.notice_given_on is None:
        raise MeetingError("call the meeting (give notice) before sending the notice")
    members = register.active_members(meeting.organisation, on=meeting.notice_given_on)
    by_email = list(members.filter(_TAKES_EMAIL))
    by_post = members_by_post(meeting)
    attachment = pdf.notice_pdf(meeting)
    subject = f"Notice of {meeting.title}, {meeting.date:%-d %B %Y}"
    body = "\n\n".join(text for _, text in pdf.notice_lines(meeting))
    messages = []
    for member in by_email:
        message = EmailMessage(subject, body, to=[member.email])
        message.attach(f"notice-{meeting.pk}.pdf", attachment, "application/pdf")
        messages.append(message)
    with get_connection() as connection:
        connection.send_messages(messages)
    letters = pdf.letters_pdf(meeting, by_post)
    with transaction.atomic():
        audit.record(
            meeting.organisation,
            "meeting.notice_sent",
            actor=actor,
            subject=meeting,
            data={"emailed": len(by_email), "letters": len(by_post)},
        )
    return NoticeSent(len(by_email), len(by_post), letters)
