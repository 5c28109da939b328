"""Casting a ballot: reading marks, checking them, recording the ballot."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import IntegrityError, connection, transaction

from .. import ballot_parser, codes, mixing
from ..lifecycle import State
from ..models import (
    Credential,
    Election,
    SealedBallot,
    VoteRecord,
)
from .common import (
    TOO_MANY,
    BallotInvalid,
    CodeRefused,
    ElectionError,
    _now,
    _require_channel,
    _standing,
    logger,
    timetable,
)
from .credentials import _note_failure, _throttled, check_code

# ---------------------------------------------------------------------------------------------
# Ballots


def ballot_rules(election: Election, standing: int | None = None) -> ballot_parser.BallotRules:
    """What this election's ballot may say: its method's kind, the candidates standing, seats."""
    names: tuple[str, ...] = ()
    if election.pk is not None:
        standing_names = _standing(election).order_by("position").values_list("ballot_name")
        names = tuple(name for (name,) in standing_names)
    n = standing if standing is not None else len(names)
    try:
        return ballot_parser.rules_for(
            election.method, seats=election.vacancies, candidates=n, names=names[:n]
        )
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
                organisation_id=election.organisation_id,
                election_id=election.pk,
                roll_entry_id=credential.roll_entry_id,
                channel=channel,
            )
    except IntegrityError:
        raise CodeRefused("a ballot has already been cast with this voter's code") from None
    SealedBallot.objects.create(
        organisation_id=election.organisation_id,
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
    _require_channel(election, channel)
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
    INSERT INTO elections_voterecord (id, organisation_id, election_id, roll_entry_id, channel)
    SELECT %(record_id)s, %(organisation)s, %(election)s, roll_entry_id, %(channel)s FROM live
    ON CONFLICT (roll_entry_id) DO NOTHING
    RETURNING 1
), ballot AS (
    INSERT INTO elections_sealedballot (id, organisation_id, election_id, sealed)
    SELECT %(ballot_id)s, %(organisation)s, %(election)s, %(sealed)s FROM record
    RETURNING 1
)
SELECT count(*) FROM ballot
"""


def _cast_in_one_statement(election, code, marks, channel, key, now) -> str | None:
    receipt, record_id = codes.new_receipt(), uuid.uuid4()
    params = {
        "hash": codes.code_hash(election.pk, code),
        "election": election.pk,
        "organisation": election.organisation_id,
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
