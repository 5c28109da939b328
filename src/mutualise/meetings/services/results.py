"""Results: the tally, declaring a result, published ballots and receipts, confirmation."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count

from mutualise.audit import services as audit
from mutualise.constitution.meetings_rules import resolution_passes
from mutualise.register import services as register
from mutualise.secrecy import typeable

from .. import decisions, facts, mixing
from ..lifecycle import (
    RESOLUTION_TRANSITIONS,
    ResolutionState,
    check,
)
from ..models import (
    Ballot,
    Choice,
    Meeting,
    PollReceipt,
    Resolution,
    VoteRecord,
)
from ..sealed import SEALED_ACTION
from .agenda import add_resolution, kind_rules
from .common import MeetingError, _now, _today, receipt_hash, require
from .hands import online_hands
from .proxies import live_proxies
from .voting import _instructed_proxy_votes, _write_vote


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
    # As printed ('ABCD-EFGH-JKMN') whatever the case and spacing typed; a receipt given before
    # receipts used the typeable alphabet is matched as it was given.
    typed = receipt.strip()[:64]
    digests = {receipt_hash(typeable.regroup(typed)), receipt_hash(typed)}
    found_receipt = PollReceipt.objects.filter(resolution=resolution, receipt__in=digests)
    digest = found_receipt.values_list("receipt", flat=True).first()
    counted = digest is not None
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
    require("meetings.run_meeting", actor, given.organisation)
    rules = given.organisation.constitution.meetings
    if casting_vote and not rules.chair_casting_vote:
        raise MeetingError("the chair has no casting vote under these rules: a tie is lost")
    if casting_vote not in ("", "for", "against"):
        raise MeetingError("a casting vote is for or against")
    with transaction.atomic():
        resolution = (
            Resolution.objects.select_for_update().select_related("meeting").get(pk=given.pk)
        )
        allowed, reason = check(
            RESOLUTION_TRANSITIONS, facts.resolution_facts(resolution, now), "declare"
        )
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
            # Hands raised online by members attending remotely count with the hall's.
            online = online_hands(resolution)
            if sum(hands) + sum(online.values()) > facts.present_count(meeting):
                raise MeetingError(
                    f"{sum(hands)} hands counted in the room and {sum(online.values())} online, "
                    f"but only {facts.present_count(meeting)} members are present"
                )
            counted = {
                c: hands[i] + online[c] + discretionary[i] + proxy[c]
                for i, c in enumerate(Choice.values)
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
            try:
                audit.seal_ballots(
                    resolution.organisation, SEALED_ACTION, subject=resolution, actor=actor
                )
            except audit.BatchesDoNotAddUp as error:
                raise MeetingError(
                    f"the ballot box is not as the mixer left it ({error}), so the poll is not "
                    "declared; the chair must investigate (mutualise audit verify)"
                ) from None
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
            _take_effect(resolution, actor, now)
    given.refresh_from_db()
    return given


def _voted_by_channel(resolution: Resolution) -> dict[str, int]:
    rows = (
        VoteRecord.objects.filter(resolution=resolution).values("channel").annotate(n=Count("pk"))
    )
    return {row["channel"]: row["n"] for row in rows}


def _take_effect(resolution: Resolution, actor, now=None) -> None:
    """A carried resolution that needs no further confirmation takes effect now, and whatever
    tracks decisions (participation's delivery records) hears of it in this transaction."""
    original = resolution.confirms or resolution
    if not resolution.confirms_id and kind_rules(resolution).confirmation is not None:
        return  # waits for the confirming meeting
    decisions.carried(original, actor=actor, now=now)
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
    require("meetings.call_meeting", actor, meeting.organisation)
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
