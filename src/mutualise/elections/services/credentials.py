"""Voting credentials: issuing, replacing, emailing, checking codes (with throttling)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction

from mutualise.audit import services as audit
from mutualise.jobs import services as jobs

from .. import clock, codes
from ..lifecycle import State
from ..models import (
    Credential,
    Election,
    EntryThrottle,
    RollEntry,
    VoteRecord,
)
from .common import _WHOLE_ELECTION, TOO_MANY, CodeRefused, ElectionError, _now, _require

THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LIMIT = 10  # wrong codes per client per window
ELECTION_ALARM = 1000  # wrong codes in one election per window: audited for the returning officer


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
    now = clock.now()
    with transaction.atomic():
        Election.objects.select_for_update().get(pk=election.pk)  # one issue at a time
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


def replace_credential(entry: RollEntry, *, channel: str, reason: str, actor=None) -> str:
    """A new code for one voter (lost card, wrong address), for the reason the returning
    officer gives; the old code stops working. Returns the new plain code, once."""
    election = entry.election
    _require("returning_officer", actor, election)
    reason = " ".join(reason.split())
    if not reason:
        raise ElectionError("reason: say why this voter needs a new voting code")
    if VoteRecord.objects.filter(roll_entry_id=entry.pk).exists():
        raise ElectionError(f"member {entry.member_number} has already voted")
    with transaction.atomic():
        code = issue_credentials(election, channel=channel, entries=[entry], actor=actor)[0].code
        audit.record(
            election.organisation,
            "election.credential_replaced",
            actor=actor,
            subject=election,
            data={"member": entry.member_number, "channel": channel, "reason": reason[:500]},
        )
    return code


def email_credentials(election: Election, *, actor=None, vote_url: str = ""):
    """Queue the worker's job that emails a code to every voter on the roll with an email
    address and none yet (elections/mailing.py); returns the Job, whose progress counts the
    messages. The plain codes are never stored: each travels as its message's secret."""
    # why: the task and its mailing call these services: the one back-reference allowed
    from .. import mailing
    from ..tasks import email_codes

    _require("returning_officer", actor, election)
    if election.roll_frozen_on is None:
        raise ElectionError("freeze the roll before issuing voting codes")
    subject = f"election:{election.pk}"
    with transaction.atomic():
        Election.objects.select_for_update().get(pk=election.pk)
        waiting = jobs.unfinished("elections.email_codes", subject)
        if waiting is not None:  # asked twice: one job, so no voter is mailed two codes
            return waiting
        voters = mailing.voters_to_email(election).count()
        job = jobs.start(
            email_codes,
            kind="elections.email_codes",
            subject=subject,
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
                election=election,
                client=key,
                window_start=window,
                defaults={"organisation_id": election.organisation_id},
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
