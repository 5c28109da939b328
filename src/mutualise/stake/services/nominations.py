"""Nominations on death (CCBSA 2014 ss.37-40): a member names who receives their shares; on
death the nominee is paid up to the rulebook's nomination limit (the Act's GBP 5,000) and the
rest goes to the member's personal representatives."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution.money import NOMINEE_RELATIONS_FOR_OFFICERS

from ..models import Nomination, ShareAccount
from .errors import StakeError, check_text, require, shares_rules
from .ledger import Kind, _append


def nominate(
    organisation,
    member,
    *,
    nominee_name: str,
    nominee_address: str,
    made_on: date,
    relationship: str = "",
    nominee_is_officer_or_employee: bool = False,
    actor=None,
) -> Nomination:
    """Record a signed nomination delivered to the registered office; it revokes any earlier
    one (the earlier stays in the book with the day it was revoked)."""
    # A member makes their own nomination from their account page (the signed-in member's
    # confirmation standing for the signature); anyone else's is recorded by the secretary.
    if not (getattr(actor, "pk", None) is not None and member.user_id == actor.pk):
        require(actor, "stake.keep_register", organisation, "record a nomination")
    shares = shares_rules(organisation)
    if shares.nomination_limit_pence is None:
        raise StakeError(
            f"{organisation}'s rules make no provision for nominations "
            "(shares.nomination_limit_pence)"
        )
    if member.organisation_id != organisation.pk:
        raise StakeError(f"member {member.number} is not on {organisation}'s register")
    check_text(nominee_name, 200, "the nominee's name")
    check_text(nominee_address, 300, "the nominee's address")
    check_text(relationship, 40, "the relationship")
    if not nominee_name.strip() or not nominee_address.strip():
        raise StakeError("a nomination needs the nominee's name and address")
    relation = relationship.strip().lower()
    if nominee_is_officer_or_employee and relation not in NOMINEE_RELATIONS_FOR_OFFICERS:
        raise StakeError(
            "a nominee who is an officer or employee of the society is valid only if the "
            "member's "
            + ", ".join(sorted(NOMINEE_RELATIONS_FOR_OFFICERS))
            + f" (CCBSA 2014 s.37); {relationship or 'no relationship'!r} was given"
        )
    with transaction.atomic():
        earlier = Nomination.objects.select_for_update().filter(
            member=member, revoked_on__isnull=True
        )
        for old in earlier:
            old.revoked_on = made_on
            old.save(update_fields=["revoked_on"])
        nomination = Nomination.objects.create(
            organisation=organisation, member=member, nominee_name=nominee_name.strip(),
            nominee_address=nominee_address.strip(), relationship=relation,
            nominee_is_officer_or_employee=nominee_is_officer_or_employee, made_on=made_on,
            recorded_at=clock.now(), recorded_by=audit.actor_name(actor),
        )  # fmt: skip
        audit.record(organisation, "shares.nominated", actor=actor, subject=nomination,
                     data={"member": member.number, "varies": len(earlier)})  # fmt: skip
    return nomination


def nomination_on(member, day: date) -> Nomination | None:
    """The nomination in force on `day`."""
    return (
        Nomination.objects.filter(member=member, made_on__lte=day)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        .order_by("-made_on", "-id")
        .first()
    )


def settle_on_death(organisation, member, *, died_on: date, on: date, actor=None):
    """Pay out a deceased member's shares: to the nominee up to the nomination limit, the rest
    to their personal representatives. Returns [(payee, pence), ...]; waiting withdrawal
    requests are cancelled (the whole holding is settled here)."""
    require(actor, "stake.keep_register", organisation, "settle a deceased member's shares")
    shares = shares_rules(organisation)
    if on < died_on:
        raise StakeError(f"the shares are settled ({on}) before the death ({died_on})")
    with transaction.atomic():
        account = ShareAccount.objects.select_for_update().filter(member=member).first()
        held = account.balance_pence if account else 0
        if held == 0:
            raise StakeError(f"member {member.number} holds no shares to settle")
        nomination = nomination_on(member, died_on)
        limit = shares.nomination_limit_pence or 0
        to_nominee = min(held, limit) if nomination else 0
        payouts = []
        if to_nominee:
            _append(organisation, account.pk, Kind.DEATH, to_nominee, on, actor,
                    f"nomination-{nomination.pk}", f"to {nomination.nominee_name}")  # fmt: skip
            payouts.append((nomination.nominee_name, to_nominee))
        if held - to_nominee:
            _append(organisation, account.pk, Kind.DEATH, held - to_nominee, on, actor,
                    "estate", "to the personal representatives")  # fmt: skip
            payouts.append(("personal representatives", held - to_nominee))
        audit.record(organisation, "shares.settled_on_death", actor=actor, subject=member,
                     data={"member": member.number, "nominee": to_nominee,
                           "estate": held - to_nominee})  # fmt: skip
    return payouts
