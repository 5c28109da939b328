"""The verbs of an election. Each checks the rulebook and the lifecycle, changes state in one
transaction, and writes the audit event. Views, the CLI and tests all come through here."""

from __future__ import annotations

import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.constitution.calendar import ElectionTimetable, election_timetable
from mutualise.register import services as register

from . import ballot_parser, clock, codes, lifecycle, mixing, sealing, seats
from .lifecycle import State
from .models import (
    Ballot,
    Candidate,
    Credential,
    Election,
    EntryThrottle,
    OfficeTerm,
    PaperEntry,
    Receipt,
    RollEntry,
    SealedBallot,
    VoteRecord,
)
from .sealed import SEALED_ACTION

logger = logging.getLogger(__name__)


class ElectionError(ValueError):
    """A request the rules, the timetable or the state of the election cannot accept."""


class NotPermitted(ElectionError):
    """The actor does not hold the role this action needs."""


class CodeRefused(ElectionError):
    """A voting code that is wrong, void, already used, or entered too often."""

    def __init__(self, message: str, *, wrong_code: bool = False):
        self.wrong_code = wrong_code
        super().__init__(message)


TOO_MANY = (
    "that voting code is not right, and there have been many wrong codes from this connection:"
    " check it carefully against your poll card or email"
)


class BallotInvalid(ElectionError, ballot_parser.BallotInvalid):
    """Marks that do not make a valid ballot; `problems` lists each in words."""

    def __init__(self, problems: list[str]):
        ballot_parser.BallotInvalid.__init__(self, problems)


THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LIMIT = 10  # wrong codes per client per window
ELECTION_ALARM = 1000  # wrong codes in one election per window: audited for the returning officer
_WHOLE_ELECTION = "election"  # the throttle row counting every client's wrong codes


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


# ---------------------------------------------------------------------------------------------
# Who may act. Users are checked against the organisation's roles; a plain string actor is the
# system itself (the CLI run by an administrator, tests, the demo).


def _require(predicate_name: str, actor, election) -> None:
    if actor is None or isinstance(actor, str):
        return
    from . import rules

    if not rules.PREDICATES[predicate_name](actor, election):
        raise NotPermitted(rules.REFUSALS[predicate_name])


# ---------------------------------------------------------------------------------------------
# Setting up and the timetable


def timetable(election: Election) -> ElectionTimetable:
    constitution = election.organisation.constitution
    return election_timetable(
        constitution.elections.timetable,
        election.close_of_poll,
        constitution.organisation.nation,
    )


def _check_close_of_poll(constitution, close_of_poll: date) -> ElectionTimetable:
    try:
        return election_timetable(
            constitution.elections.timetable, close_of_poll, constitution.organisation.nation
        )
    except ValueError as exc:
        raise ElectionError(f"close_of_poll: {exc}") from None


def create_election(
    organisation,
    *,
    body_id: str,
    seat_group_id: str,
    close_of_poll: date,
    actor=None,
    title: str = "",
    now: datetime | None = None,
) -> Election:
    """A draft election for one seat group, its vacancies derived from the register of
    office-holders as at the close of poll."""
    constitution = organisation.constitution
    try:
        body, group = seats.seat_group(constitution, body_id, seat_group_id)
        constituency_id, class_id = seats.electorate(constitution, group.electorate)
    except (seats.SeatError, KeyError) as exc:
        raise ElectionError(str(exc)) from None
    table = _check_close_of_poll(constitution, close_of_poll)
    if table.notice_of_election < _now(now):
        raise ElectionError(
            f"close_of_poll: too soon; the notice of election would have been due by "
            f"{table.notice_of_election:%d %B %Y}"
        )
    free = seats.vacancies(organisation, body_id, seat_group_id, close_of_poll)
    if free.count <= 0:
        raise ElectionError(f"no seats of '{seat_group_id}' fall vacant by {close_of_poll}")
    method = body.election_method or constitution.elections.method
    with transaction.atomic():
        election = Election.objects.create(
            organisation=organisation,
            title=title
            or f"{body.name}: {group.name or constitution.constituency(constituency_id).name}",
            body_id=body_id,
            seat_group_id=seat_group_id,
            constituency_id=constituency_id,
            class_id=class_id,
            vacancies=free.count,
            vacancies_explained=free.as_dict(),
            method=str(method),
            method_options=dict(constitution.elections.method_options),
            close_of_poll=close_of_poll,
            created_by=audit.actor_name(actor),
        )
        _require("manage", actor, election)
        audit.record(
            organisation,
            "election.created",
            actor=actor,
            subject=election,
            data={"title": election.title, "vacancies": free.as_dict(), "method": str(method)},
        )
    return election


def move_close_of_poll(
    election: Election, close_of_poll: date, *, actor=None, now: datetime | None = None
) -> ElectionTimetable:
    """Move the poll; the rulebook's timetable is computed again and every deadline the
    election has already passed must still have been met on the new dates."""
    _require("returning_officer", actor, election)
    if election.state_enum not in lifecycle.BEFORE_POLL:
        raise ElectionError("the close of poll cannot move once the poll has opened")
    table = _check_close_of_poll(election.organisation.constitution, close_of_poll)
    now = _now(now)
    reached = {
        State.DRAFT: [],
        State.NOTICE_PUBLISHED: [],
        State.NOMINATIONS_OPEN: [],
        State.NOMINATIONS_CLOSED: ["nominations_close"],
        State.WITHDRAWALS_CLOSED: ["nominations_close", "withdrawals_close"],
    }[election.state_enum]
    if election.state_enum == State.DRAFT and table.notice_of_election < now:
        raise ElectionError(
            f"close_of_poll: the notice of election would have been due by "
            f"{table.notice_of_election:%d %B %Y}, which has passed"
        )
    early = election.state_enum in (State.NOTICE_PUBLISHED, State.NOMINATIONS_OPEN)
    if early and table.nominations_close < now:
        raise ElectionError("close_of_poll: nominations would already have closed")
    for step in reached:
        if getattr(table, step) and getattr(table, step) > now:
            raise ElectionError(
                f"close_of_poll: '{step.replace('_', ' ')}' has happened already but would "
                f"now fall on {getattr(table, step):%d %B %Y}"
            )
    with transaction.atomic():
        old = election.close_of_poll
        election.close_of_poll = close_of_poll
        election.save(update_fields=["close_of_poll"])
        audit.record(
            election.organisation,
            "election.timetable_moved",
            actor=actor,
            subject=election,
            data={"from": str(old), "to": str(close_of_poll)},
        )
    return table


def _standing(election: Election):
    return election.candidates.filter(status=Candidate.Status.NOMINATED)


def facts(election: Election, now: datetime | None = None) -> lifecycle.Facts:
    from mutualise.counting.methods import METHODS

    table = timetable(election)
    roll = election.roll.filter(removed=False)
    live = Credential.objects.filter(roll_entry=models.OuterRef("pk"), voided_at__isnull=True)
    # Only the steps up to opening the poll read the roll's size and missing codes; on a roll
    # of a million the anti-join costs a second, so later steps skip it.
    needs_roll = election.state_enum in (State.NOMINATIONS_CLOSED, State.WITHDRAWALS_CLOSED)
    return lifecycle.Facts(
        now=_now(now),
        state=election.state_enum,
        vacancies=election.vacancies,
        notice_of_election=table.notice_of_election,
        nominations_close=table.nominations_close,
        withdrawals_close=table.withdrawals_close
        or table.statement_of_nominations
        or table.nominations_close,
        close_of_poll=table.close_of_poll,
        standing=_standing(election).count(),
        roll_frozen=election.roll_frozen_on is not None,
        roll_size=roll.count() if needs_roll else 0,
        voters_without_credential=roll.exclude(models.Exists(live)).count() if needs_roll else 0,
        pending_paper_entries=PaperEntry.objects.filter(election=election).count(),
        method_available=election.method in METHODS,
        method=election.method,
    )


def transition(election: Election, name: str, *, actor=None, now: datetime | None = None):
    """Move the election along the lifecycle, or raise ElectionError saying why not."""
    if name not in lifecycle.BY_NAME:
        raise ElectionError(f"unknown step '{name}'; steps are {', '.join(lifecycle.BY_NAME)}")
    _require("returning_officer", actor, election)
    step = lifecycle.BY_NAME[name]
    special = {
        "close_nominations": _close_nominations,
        "declare_uncontested": _declare_uncontested,
        "open_poll": _open_poll,
        "close_poll": _close_poll,
        "count": _count,
        "declare": _declare,
    }
    original = election
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        allowed, reason = lifecycle.check(name, facts(election, now))
        if not allowed:
            raise ElectionError(f"cannot {step.label.lower()}: {reason}")
        data = special[name](election, _now(now)) if name in special else {}
        election.state = step.target
        election.save()
        audit.record(
            election.organisation, step.audit_action, actor=actor, subject=election, data=data
        )
    original.refresh_from_db()
    return original


def void(election: Election, *, reason: str, actor=None) -> Election:
    if not reason.strip():
        raise ElectionError("reason: say why the election is void")
    with transaction.atomic():
        Election.objects.filter(pk=election.pk).update(void_reason=reason)
        return transition(election, "void", actor=actor)


# ---------------------------------------------------------------------------------------------
# Nominations


def _is_constituency_member(election: Election, member, on: date) -> bool:
    members = register.active_members(
        election.organisation, on=on, constituency_id=election.constituency_id
    )
    if election.class_id:
        members = members.filter(class_id=election.class_id)
    return members.filter(pk=member.pk).exists()


def nominate(
    election: Election,
    member,
    *,
    statement: str = "",
    ballot_name: str = "",
    proposers=(),
    seconders=(),
    declarations=(),
    actor=None,
    now: datetime | None = None,
) -> Candidate:
    """Nominate a member (themself, or recorded by an officer) while nominations are open."""
    now = _now(now)
    election.refresh_from_db(fields=["state"])
    rules = election.organisation.constitution.elections.nominations
    body = election.organisation.constitution.body(election.body_id)
    if election.state_enum != State.NOMINATIONS_OPEN:
        raise ElectionError("nominations are not open")
    if now >= timetable(election).nominations_close:
        raise ElectionError("nominations have closed")
    on = timezone.localdate(now)
    problems = []
    if rules.candidate_from_electorate and not _is_constituency_member(election, member, on):
        problems.append("candidate: not a member of the constituency")
    minimum_age = body.member_minimum_age
    born = getattr(member, "date_of_birth", None)
    if minimum_age and born is not None:
        polling_day = election.close_of_poll
        age = (
            polling_day.year
            - born.year
            - ((polling_day.month, polling_day.day) < (born.month, born.day))
        )
        if age < minimum_age:
            problems.append(f"candidate: must be at least {minimum_age} on polling day")
    limit = rules.statement_word_limit
    words = len(statement.split())
    if limit and words > limit:
        problems.append(f"statement: {words} words; the limit is {limit}")
    missing = [d for d in body.disqualifications if d not in declarations]
    if missing:
        problems.append(
            "declarations: the candidate must declare they are not " + "; nor ".join(missing)
        )
    for label, people, needed in (
        ("proposers", proposers, rules.proposers),
        ("seconders", seconders, rules.seconders),
    ):
        people = list(people)
        if len(people) < needed:
            problems.append(f"{label}: {needed} needed, {len(people)} given")
        for person in people:
            if person.pk == member.pk:
                problems.append(f"{label}: a candidate cannot propose or second themself")
            elif rules.proposers_from_electorate and not _is_constituency_member(
                election, person, on
            ):
                problems.append(f"{label}: {person.number} is not a member of the constituency")
    if problems:
        raise ElectionError("; ".join(problems))
    with transaction.atomic():
        try:
            with transaction.atomic():
                candidate = Candidate.objects.create(
                    organisation=election.organisation,
                    election=election,
                    member=member,
                    ballot_name=ballot_name or member.display_name,
                    statement=statement,
                    declarations=list(declarations),
                    nominated_at=now,
                )
        except IntegrityError:
            raise ElectionError("candidate: already nominated in this election") from None
        candidate.proposers.set(list(proposers))
        candidate.seconders.set(list(seconders))
        audit.record(
            election.organisation,
            "election.nominated",
            actor=actor,
            subject=candidate,
            data={"election": election.pk, "member": member.number, "words": words},
        )
    return candidate


def withdraw(candidate: Candidate, *, actor=None, now: datetime | None = None) -> Candidate:
    now = _now(now)
    election = candidate.election
    if election.state_enum not in (State.NOMINATIONS_OPEN, State.NOMINATIONS_CLOSED):
        raise ElectionError("withdrawals are closed")
    if now >= facts(election, now).withdrawals_close:
        raise ElectionError("the last day to withdraw has passed")
    if candidate.status != Candidate.Status.NOMINATED:
        raise ElectionError("this nomination is not standing")
    with transaction.atomic():
        candidate.status = Candidate.Status.WITHDRAWN
        candidate.withdrawn_at = now
        candidate.position = None
        candidate.save(update_fields=["status", "withdrawn_at", "position"])
        audit.record(
            election.organisation,
            "election.withdrawn",
            actor=actor,
            subject=candidate,
            data={"election": election.pk},
        )
    return candidate


def reject_nomination(candidate: Candidate, *, reason: str, actor=None) -> Candidate:
    _require("returning_officer", actor, candidate.election)
    if candidate.election.state_enum not in (State.NOMINATIONS_OPEN, State.NOMINATIONS_CLOSED):
        raise ElectionError("nominations can only be rejected before withdrawals close")
    if not reason.strip():
        raise ElectionError("reason: say why the nomination is rejected")
    with transaction.atomic():
        candidate.status = Candidate.Status.REJECTED
        candidate.rejection_reason = reason
        candidate.position = None
        candidate.save(update_fields=["status", "rejection_reason", "position"])
        audit.record(
            candidate.election.organisation,
            "election.nomination_rejected",
            actor=actor,
            subject=candidate,
            data={"reason": reason},
        )
    return candidate


def _surname_key(name: str) -> tuple[str, str]:
    parts = name.split()
    return (parts[-1].lower() if parts else "", name.lower())


def _assign_positions(election: Election) -> None:
    """Ballot order: alphabetical by surname, as the statement of nominated candidates lists."""
    standing = sorted(_standing(election), key=lambda c: _surname_key(c.ballot_name))
    election.candidates.update(position=None)
    for position, candidate in enumerate(standing, start=1):
        Candidate.objects.filter(pk=candidate.pk).update(position=position)


def _close_nominations(election: Election, now: datetime) -> dict:
    _assign_positions(election)
    return {"standing": _standing(election).count()}


def ballot_candidates(election: Election) -> list[Candidate]:
    return list(_standing(election).order_by("position"))


# ---------------------------------------------------------------------------------------------
# The electoral roll


def freeze_roll(election: Election, *, actor=None, on: date | None = None) -> int:
    """Take the roll from the register: the constituency's (and class's) members on the cut-off
    (the close of nominations, unless `on` is given). Returns the number of voters."""
    _require("returning_officer", actor, election)
    if election.state_enum not in (State.NOMINATIONS_CLOSED, State.WITHDRAWALS_CLOSED):
        raise ElectionError("the roll is frozen after nominations close, before the poll opens")
    if election.roll_frozen_on is not None:
        raise ElectionError(f"the roll was frozen on {election.roll_frozen_on}; correct it instead")
    on = on or timezone.localdate(timetable(election).nominations_close)
    members = register.active_members(
        election.organisation, on=on, constituency_id=election.constituency_id
    )
    if election.class_id:
        members = members.filter(class_id=election.class_id)
    with transaction.atomic():
        entries = [
            RollEntry(
                organisation=election.organisation,
                election=election,
                member_id=pk,
                member_number=number,
            )
            for pk, number in members.order_by("number").values_list("pk", "number")
        ]
        RollEntry.objects.bulk_create(entries, batch_size=5000)
        election.roll_frozen_on = on
        election.save(update_fields=["roll_frozen_on"])
        audit.record(
            election.organisation,
            "election.roll_frozen",
            actor=actor,
            subject=election,
            data={"cut_off": str(on), "voters": len(entries)},
        )
    return len(entries)


def correct_roll(election: Election, member, *, add: bool, reason: str, actor=None) -> RollEntry:
    """A late correction: add a member wrongly left off, or remove one wrongly on. Audited."""
    _require("returning_officer", actor, election)
    if election.roll_frozen_on is None:
        raise ElectionError("the roll has not been frozen yet")
    if election.state_enum not in (
        State.WITHDRAWALS_CLOSED,
        State.POLL_OPEN,
        State.NOMINATIONS_CLOSED,
    ):
        raise ElectionError("the roll can be corrected only until the poll closes")
    if not reason.strip():
        raise ElectionError("reason: say why the roll is corrected")
    with transaction.atomic():
        entry = RollEntry.objects.filter(election=election, member=member).first()
        if add:
            if entry is not None and not entry.removed:
                raise ElectionError(f"member {member.number} is already on the roll")
            if entry is None:
                entry = RollEntry.objects.create(
                    organisation=election.organisation,
                    election=election,
                    member=member,
                    member_number=member.number,
                    added_late=True,
                    correction_reason=reason,
                )
            else:
                entry.removed = False
                entry.correction_reason = reason
                entry.save(update_fields=["removed", "correction_reason"])
        else:
            if entry is None or entry.removed:
                raise ElectionError(f"member {member.number} is not on the roll")
            if hasattr(entry, "vote_record"):
                raise ElectionError(f"member {member.number} has already voted")
            entry.removed = True
            entry.correction_reason = reason
            entry.save(update_fields=["removed", "correction_reason"])
            entry.credentials.filter(voided_at__isnull=True).update(voided_at=timezone.now())
        audit.record(
            election.organisation,
            "election.roll_corrected",
            actor=actor,
            subject=entry,
            data={"member": member.number, "added": add, "reason": reason},
        )
    return entry


def roll_counts(election: Election) -> dict:
    roll = election.roll.all()
    live = Credential.objects.filter(roll_entry=models.OuterRef("pk"), voided_at__isnull=True)
    return {
        "without_code": roll.filter(removed=False).exclude(models.Exists(live)).count(),
        "voters": roll.filter(removed=False).count(),
        "added_late": roll.filter(added_late=True, removed=False).count(),
        "removed": roll.filter(removed=True).count(),
    }


# ---------------------------------------------------------------------------------------------
# Credentials


@dataclass(frozen=True)
class IssuedCode:
    roll_entry: RollEntry
    code: str  # shown once: on the poll card or in the email, never stored


def issue_credentials(
    election: Election, *, channel: str = Credential.Channel.POST, entries=None, actor=None
) -> list[IssuedCode]:
    """A code for every voter on the roll without a live one (or for `entries`, replacing any
    live code they have: the old one is void). The plain codes are returned once."""
    _require("returning_officer", actor, election)
    if election.roll_frozen_on is None:
        raise ElectionError("freeze the roll before issuing voting codes")
    if election.state_enum not in (
        State.NOMINATIONS_CLOSED,
        State.WITHDRAWALS_CLOSED,
        State.POLL_OPEN,
    ):
        raise ElectionError(
            "voting codes are issued between the close of nominations and of the poll"
        )
    now = timezone.now()
    with transaction.atomic():
        if entries is None:
            live = Credential.objects.filter(
                roll_entry=models.OuterRef("pk"), voided_at__isnull=True
            )
            targets = list(election.roll.filter(removed=False).exclude(models.Exists(live)))
            replaced = 0
        else:
            targets = list(entries)
            if any(e.election_id != election.pk or e.removed for e in targets):
                raise ElectionError("a code can only be issued to a voter on this election's roll")
            replaced = Credential.objects.filter(
                roll_entry__in=targets, voided_at__isnull=True
            ).update(voided_at=now)
        issued = [IssuedCode(entry, codes.new_code()) for entry in targets]
        Credential.objects.bulk_create(
            [
                Credential(
                    organisation=election.organisation,
                    election=election,
                    roll_entry=item.roll_entry,
                    code_hash=codes.code_hash(election.pk, item.code),
                    channel=channel,
                    issued_at=now,
                )
                for item in issued
            ],
            batch_size=5000,
        )
        audit.record(
            election.organisation,
            "election.credentials_issued",
            actor=actor,
            subject=election,
            data={"issued": len(issued), "replaced": replaced, "channel": channel},
        )
    return issued


def replace_credential(entry: RollEntry, *, channel: str, actor=None) -> str:
    """A new code for one voter (lost card, wrong address); the old code stops working."""
    if hasattr(entry, "vote_record"):
        raise ElectionError(f"member {entry.member_number} has already voted")
    return issue_credentials(entry.election, channel=channel, entries=[entry], actor=actor)[0].code


def email_credentials(election: Election, *, actor=None, vote_url: str = ""):
    """Queue the worker's job that emails a code to every voter on the roll with an email
    address and none yet (elections/mailing.py); returns the Job, whose progress counts the
    messages. The plain codes are never stored: each travels as its message's secret."""
    from mutualise.jobs import services as jobs

    from . import mailing
    from .tasks import email_codes

    _require("returning_officer", actor, election)
    if election.roll_frozen_on is None:
        raise ElectionError("freeze the roll before issuing voting codes")
    with transaction.atomic():
        voters = mailing.voters_to_email(election).count()
        job = jobs.start(
            email_codes,
            kind="elections.email_codes",
            label=f"Emailing voting codes: {election.title}",
            organisation=election.organisation,
            total=voters,
            unit="messages",
            actor=actor,
            args=(election.pk, getattr(actor, "pk", None), audit.actor_name(actor), vote_url),
        )
        job.result = {"election": election.pk}  # which election's console shows it
        job.save(update_fields=["result"])
        audit.record(
            election.organisation,
            "election.codes_email_queued",
            actor=actor,
            subject=election,
            data={"voters": voters, "job": job.pk},
        )
    return job


def _throttled(election: Election, client: str, now: datetime) -> bool:
    failures = EntryThrottle.objects.filter(
        election=election, client=client, window_start__gt=now - THROTTLE_WINDOW
    ).aggregate(n=models.Sum("failures"))["n"]
    return (failures or 0) >= THROTTLE_LIMIT


def _note_failure(election: Election, client: str, now: datetime) -> None:
    """Count a wrong code against the client and against the whole election; the election's
    count passing ELECTION_ALARM in a window (a guessing run from many addresses) is audited."""
    window = now.replace(second=0, microsecond=0)
    with transaction.atomic():
        for key in (client, _WHOLE_ELECTION):
            row, _ = EntryThrottle.objects.get_or_create(
                election=election, client=key, window_start=window
            )
            EntryThrottle.objects.filter(pk=row.pk).update(failures=models.F("failures") + 1)
        failures = EntryThrottle.objects.filter(
            election=election, client=_WHOLE_ELECTION, window_start__gt=now - THROTTLE_WINDOW
        ).aggregate(n=models.Sum("failures"))["n"]
        if failures == ELECTION_ALARM:
            audit.record(
                election.organisation,
                "election.many_wrong_codes",
                actor=None,
                subject=election,
                data={"wrong_codes": failures, "minutes": THROTTLE_WINDOW.seconds // 60},
            )


def check_code(
    election: Election, code: str, *, client: str = "", now=None, check_voted: bool = True
) -> Credential:
    """The live credential for `code`, or CodeRefused saying why in words a voter can act on.

    A right code is never refused for what others did: ten wrong codes from a hospital's shared
    address must not stop every voter behind it. What is throttled is the wrong credential tried:
    each counts against the client (a keyed hash of its address) and the election, and past
    THROTTLE_LIMIT the client is told so. Guessing is defeated by the codes' 77 bits, not by the
    count (docs/security.md)."""
    now = _now(now)
    key = codes.client_key(election.pk, client) if client else ""
    credential = (
        Credential.objects.select_related("roll_entry")
        .filter(code_hash=codes.code_hash(election.pk, code), election=election)
        .first()
    )
    if credential is None:
        if key:
            _note_failure(election, key, now)
            if _throttled(election, key, now):
                raise CodeRefused(TOO_MANY, wrong_code=True)
        raise CodeRefused(
            "that voting code is not right: check it against your poll card or email",
            wrong_code=True,
        )
    if credential.voided_at is not None:
        raise CodeRefused("that voting code has been replaced: use the newest one you were sent")
    if credential.roll_entry.removed:
        raise CodeRefused("that voting code is no longer valid")
    voted = VoteRecord.objects.filter(roll_entry_id=credential.roll_entry_id)
    if check_voted and voted.exists():
        raise CodeRefused("a ballot has already been cast with this voter's code")
    return credential


# ---------------------------------------------------------------------------------------------
# Ballots


def ballot_rules(election: Election, standing: int | None = None) -> ballot_parser.BallotRules:
    """What this election's ballot may say: its method's kind, the candidates standing, seats."""
    n = standing if standing is not None else _standing(election).count()
    try:
        return ballot_parser.rules_for(election.method, seats=election.vacancies, candidates=n)
    except ballot_parser.BallotInvalid as exc:
        raise BallotInvalid(exc.problems) from None


def parse_marks(election: Election, raw: dict[int, str], standing: int | None = None) -> list[int]:
    """Turn what the voter entered on the form into ballot marks, or BallotInvalid listing every
    problem (see ballot_parser.from_form)."""
    rules = ballot_rules(election, standing)
    try:
        return list(ballot_parser.from_form(raw, rules))
    except ballot_parser.BallotInvalid as exc:
        raise BallotInvalid(exc.problems) from None


def check_marks(election: Election, marks, standing: int | None = None) -> tuple[int, ...]:
    """The canonical ballot the parser makes of `marks`: what is stored is exactly this."""
    rules = ballot_rules(election, standing)
    try:
        return ballot_parser.check_marks(marks, rules)
    except ballot_parser.BallotInvalid as exc:
        raise BallotInvalid(exc.problems) from None


def marks_text(marks) -> str:
    return ballot_parser.to_text(marks)


def _record_ballot(election: Election, credential: Credential, marks, channel: str) -> str:
    """Casting, in the caller's transaction: the vote record (whose unique roll entry refuses a
    second ballot) and the ballot sealed with its receipt (the mixer opens it later, among
    others: mixing.py). Returns the receipt."""
    record_id, receipt = uuid.uuid4(), codes.new_receipt()
    try:
        with transaction.atomic():
            VoteRecord.objects.create(
                id=record_id,
                election_id=election.pk,
                roll_entry_id=credential.roll_entry_id,
                channel=channel,
            )
    except IntegrityError:
        raise CodeRefused("a ballot has already been cast with this voter's code") from None
    SealedBallot.objects.create(
        election_id=election.pk,
        sealed=mixing.seal_cast(marks_text(marks), receipt, record_id),
    )
    return receipt


def _mix_after_cast(election: Election) -> None:
    """The ballot is safe (sealed) whatever happens here: a failed mix is retried by a later
    cast or at the count, so it is logged, never shown to the voter."""
    try:
        mixing.after_cast(election)
    except Exception:  # noqa: BLE001 - the cast has succeeded; the mix will be retried
        logger.exception("mixing after a cast failed; it will be retried")


_CLOSES_AT: dict[tuple, datetime] = {}


def _poll_closes_at(election: Election) -> datetime:
    """The close of poll, kept per process: casting must not load the rulebook every time. The
    key includes the date, so moving the close of poll is seen at once."""
    key = (election.pk, election.created_at, election.close_of_poll)
    if key not in _CLOSES_AT:
        _CLOSES_AT[key] = timetable(election).close_of_poll
    return _CLOSES_AT[key]


_RULES: dict[tuple, ballot_parser.BallotRules] = {}


def _checked_for_poll(election: Election, marks) -> tuple[int, ...]:
    """check_marks, with the ballot's rules kept per process while the poll is open (nothing on
    the ballot can change then), so casting does not count the candidates every time."""
    key = (election.pk, election.created_at, election.state)
    rules = _RULES.get(key)
    if rules is None:
        rules = ballot_rules(election)
        if election.state == State.POLL_OPEN:
            _RULES[key] = rules
    try:
        return ballot_parser.check_marks(marks, rules)
    except ballot_parser.BallotInvalid as exc:
        raise BallotInvalid(exc.problems) from None


def cast(
    election: Election,
    code: str,
    marks: list[int],
    *,
    channel: str = VoteRecord.Channel.INTERNET,
    client: str = "",
    now: datetime | None = None,
) -> str:
    """Cast one ballot with a voting code; returns the receipt. Nothing about the voter, the
    time or the order of casting is stored with the ballot, and no audit event is written per
    ballot (the poll's opening and closing are audited with counts)."""
    if election.state != State.POLL_OPEN:
        raise ElectionError("the poll is not open")
    now = _now(now)
    if now >= _poll_closes_at(election):
        raise ElectionError("the poll has closed")
    marks = _checked_for_poll(election, marks)
    key = codes.client_key(election.pk, client) if client else ""
    if connection.vendor == "postgresql":
        receipt = _cast_in_one_statement(election, code, marks, channel, key, now)
        if receipt is None:
            raise _why_refused(election, code, key, now)
        _mix_after_cast(election)
        return receipt
    refused = None
    with transaction.atomic():
        try:
            # The vote record's unique roll entry refuses a second ballot: no need to look first.
            credential = check_code(election, code, now=now, check_voted=False)
        except CodeRefused as exc:
            refused = exc
        else:
            receipt = _record_ballot(election, credential, marks, channel)
    if refused is None:
        _mix_after_cast(election)
        return receipt
    if key and refused.wrong_code:  # noted outside the transaction, so it sticks
        _note_failure(election, key, now)
        if _throttled(election, key, now):
            raise CodeRefused(TOO_MANY, wrong_code=True)
    raise refused


# One statement, so one transaction and one round trip: find the live credential (poll open),
# insert the vote record unless the voter has one (the unique roll entry decides between
# concurrent casts), and insert the sealed ballot only if the record went in. Vote record and
# sealed ballot share this transaction; the mixer later breaks the tie (mixing.py).
_CAST_SQL = """
WITH live AS (
    SELECT c.roll_entry_id FROM elections_credential c
    JOIN elections_rollentry r ON r.id = c.roll_entry_id AND NOT r.removed
    JOIN elections_election e ON e.id = c.election_id AND e.state = 'poll_open'
    WHERE c.code_hash = %(hash)s AND c.election_id = %(election)s AND c.voided_at IS NULL
), record AS (
    INSERT INTO elections_voterecord (id, election_id, roll_entry_id, channel)
    SELECT %(record_id)s, %(election)s, roll_entry_id, %(channel)s FROM live
    ON CONFLICT (roll_entry_id) DO NOTHING
    RETURNING 1
), ballot AS (
    INSERT INTO elections_sealedballot (id, election_id, sealed)
    SELECT %(ballot_id)s, %(election)s, %(sealed)s FROM record
    RETURNING 1
)
SELECT count(*) FROM ballot
"""


def _cast_in_one_statement(election, code, marks, channel, key, now) -> str | None:
    receipt, record_id = codes.new_receipt(), uuid.uuid4()
    params = {
        "hash": codes.code_hash(election.pk, code),
        "election": election.pk,
        "record_id": record_id,
        "channel": channel,
        "ballot_id": uuid.uuid4(),
        "sealed": mixing.seal_cast(marks_text(marks), receipt, record_id),
    }
    # Outside a transaction the statement commits by itself (one round trip).
    with connection.cursor() as cursor:
        cursor.execute(_CAST_SQL, params)
        (cast_count,) = cursor.fetchone()
    return receipt if cast_count == 1 else None


def _why_refused(election, code, key, now) -> ElectionError:
    """After a refused one-statement cast: the reason, in words (and the wrong code noted)."""
    try:
        check_code(election, code, now=now)
    except CodeRefused as exc:
        if key and exc.wrong_code:
            _note_failure(election, key, now)
            if _throttled(election, key, now):
                return CodeRefused(TOO_MANY, wrong_code=True)
        return exc
    return ElectionError("the poll is not open")


def key_paper_ballot(
    election: Election, code: str, marks: list[int], *, actor, channel: str = "post"
) -> str | None:
    """Double-key entry of a postal or paper ballot: the first keying is held; a matching second
    keying by another officer casts the ballot (and deletes both keyings); a mismatch is refused.
    Returns the receipt once cast, else None."""
    _require("returning_officer", actor, election)
    if election.state not in (State.POLL_OPEN, State.POLL_CLOSED):
        raise ElectionError("postal and paper ballots are entered while the poll is open or closed")
    marks = _checked_for_poll(election, marks)
    digest = codes.code_hash(election.pk, code)
    name = audit.actor_name(actor)
    with transaction.atomic():
        first = (
            PaperEntry.objects.select_for_update()
            .filter(election=election, code_hash=digest)
            .first()
        )
        if first is None:
            check_code(election, code)
            PaperEntry.objects.create(
                election=election,
                code_hash=digest,
                marks_digest=sealing.keyed_digest(digest, marks_text(marks)),
                keyed_by=None if isinstance(actor, str) else actor,
                keyed_by_name=name,
            )
            return None
        if first.keyed_by_name == name:
            raise ElectionError("the second keying must be done by a different officer")
        if not hmac.compare_digest(
            first.marks_digest, sealing.keyed_digest(digest, marks_text(marks))
        ):
            raise ElectionError(
                "this keying does not match the first one: check the paper, or discard the "
                "first keying and start again"
            )
        credential = Credential.objects.filter(code_hash=digest, election=election).first()
        if credential is None or credential.voided_at is not None:
            raise CodeRefused("that voting code is not live")
        first.delete()
        receipt = _record_ballot(election, credential, marks, channel)
    _mix_after_cast(election)
    return receipt


def discard_paper_keying(election: Election, code: str, *, actor) -> bool:
    _require("returning_officer", actor, election)
    digest = codes.code_hash(election.pk, code)
    with transaction.atomic():
        deleted, _ = PaperEntry.objects.filter(election=election, code_hash=digest).delete()
        if deleted:  # who threw a keying away, never whose (no code, no marks)
            audit.record(
                election.organisation, "election.paper_keying_discarded", actor=actor,
                subject=election,
            )  # fmt: skip
    return bool(deleted)


# ---------------------------------------------------------------------------------------------
# Opening, closing, counting and declaring (called inside `transition`)


def _declare_uncontested(election: Election, now: datetime) -> dict:
    _assign_positions(election)
    standing = ballot_candidates(election)
    _standing(election).update(elected=True, elected_unopposed=True)
    _record_terms(election, [c.pk for c in standing], now)
    election.declared_at = now
    return {
        "elected_unopposed": [c.member.number for c in standing],
        "vacancies_left": election.vacancies - len(standing),
    }


def _open_poll(election: Election, now: datetime) -> dict:
    election.poll_opened_at = now
    return {
        "voters": election.roll.filter(removed=False).count(),
        "candidates": _standing(election).count(),
    }


def _close_poll(election: Election, now: datetime) -> dict:
    election.poll_closed_at = now
    by_channel = dict(
        VoteRecord.objects.filter(election=election)
        .values_list("channel")
        .annotate(n=models.Count("id"))
        .order_by("channel")
    )
    cast = Ballot.objects.filter(election=election).count() + mixing.waiting(election)
    return {"ballots": cast, "by_channel": by_channel}


def _count(election: Election, now: datetime) -> dict:
    from . import tally

    # The last batch: every ballot still sealed (at least K of them, or all if fewer voted),
    # with any postal ballots keyed since the close.
    mixing.mix(election, final=True)
    # The ballots as counted, sealed into the audit chain: `audit verify` names any changed later.
    sealed = audit.seal_ballots(election.organisation, SEALED_ACTION, subject=election)
    election.seed = secrets.randbelow(2**31)
    outcome = tally.count_election(election)
    election.result = outcome.result_data
    election.report_text = outcome.report_text
    election.turnout = outcome.turnout
    election.counted_at = now
    return {
        "ballots": outcome.turnout["ballots"],
        "elected": outcome.result_data["elected_names"],
        "seed": election.seed,
        "ballots_sha256": sealed.data["ballots_sha256"],
    }


def _record_terms(election: Election, candidate_ids: list[int], now: datetime) -> None:
    body = election.organisation.constitution.body(election.body_id)
    _, group = seats.seat_group(
        election.organisation.constitution, election.body_id, election.seat_group_id
    )
    years = (group.term or body.term).years
    start = election.close_of_poll + timedelta(days=1)
    for candidate in Candidate.objects.filter(pk__in=candidate_ids).select_related("member"):
        OfficeTerm.objects.create(
            organisation=election.organisation,
            body_id=election.body_id,
            seat_group_id=election.seat_group_id,
            member=candidate.member,
            holder_name=candidate.ballot_name,
            started_on=start,
            ends_on=start.replace(year=start.year + years),
            election=election,
        )


def _declare(election: Election, now: datetime) -> dict:
    elected_positions = election.result["elected_positions"]
    elected = list(_standing(election).filter(position__in=elected_positions))
    Candidate.objects.filter(pk__in=[c.pk for c in elected]).update(elected=True)
    _record_terms(election, [c.pk for c in elected], now)
    election.declared_at = now
    return {
        "elected": [c.member.number for c in elected],
        "vacancies_left": election.vacancies - len(elected),
        "turnout": election.turnout,
    }


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool
    marks: tuple[int, ...] | None = None  # only where the rulebook chose content receipts


def check_receipt(election: Election, receipt: str) -> ReceiptCheck | None:
    """Whether a receipt is in the count (once the result is declared; None before). Where the
    rulebook chose receipts that show contents, also what that ballot says."""
    if election.state != State.DECLARED:
        return None
    cleaned = codes.group(codes.normalise(receipt))
    if mixing.contents_receipts(election):
        ballot = Ballot.objects.filter(election=election, receipt=cleaned).first()
        if ballot is None:
            return ReceiptCheck(found=False)
        return ReceiptCheck(found=True, marks=ballot_parser.from_text(ballot.marks))
    return ReceiptCheck(found=Receipt.objects.filter(election=election, receipt=cleaned).exists())
