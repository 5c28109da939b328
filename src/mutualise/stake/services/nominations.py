"""Nominations on death (CCBSA 2014 ss.37-40): a member names who receives their shares; on
death the nominee is paid up to the rulebook's nomination limit (the Act's GBP 5,000) and the
rest goes to the member's personal representatives. On a member's bankruptcy their shares are
paid to the trustee of their property. Both are payments out that every asset lock permits
(SI 2006/264 Sch.1 para 2(c), (d)), at most the capital paid up."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from rules import has_perm

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution.asset_lock import Purpose
from mutualise.constitution.money import NOMINEE_RELATIONS_FOR_OFFICERS
from mutualise.register import services as register
from mutualise.register.errors import MemberError
from mutualise.register.models import StatusChange

from ..models import Nomination, ShareAccount
from .assets import pay_out_members_capital
from .errors import StakeError, check_day, check_pence, check_text, require, shares_rules


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


def death_payouts(organisation, member, *, died_on: date, held_pence: int):
    """How settle_on_death divides `held_pence`: (the nomination in force on `died_on` or None,
    pence to its nominee (up to the nomination limit), pence to the personal representatives).
    A read: the officer's page shows it before the shares are settled."""
    shares = shares_rules(organisation)
    nomination = nomination_on(member, died_on)
    to_nominee = min(held_pence, shares.nomination_limit_pence or 0) if nomination else 0
    return nomination, to_nominee, held_pence - to_nominee


def _check_shown(member, held: int, shown_pence: int | None) -> None:
    """Refuse when the holding is not the one the officer was shown (the same form sent twice,
    or a movement in between): paying on it could pay twice."""
    if shown_pence is not None and shown_pence != held:
        raise StakeError(
            f"member {member.number}'s holding changed since the page was shown "
            f"({shown_pence}p then, {held}p now): nothing was paid; check the entry"
        )


def settle_on_death(
    organisation, member, *, died_on: date, on: date, shown_pence: int | None = None, actor=None,
):  # fmt: skip
    """Pay out a deceased member's shares: to the nominee up to the nomination limit, the rest
    to their personal representatives. Returns [(payee, pence), ...]; waiting withdrawal
    requests lapse (the whole holding is settled here). `shown_pence`, when given, is the
    holding the officer was shown: refused if it has changed since."""
    require(actor, "stake.keep_register", organisation, "settle a deceased member's shares")
    shares_rules(organisation)
    check_day(died_on, "the date of death")
    check_day(on, "the payment on")
    if on < died_on:
        raise StakeError(f"the shares are settled ({on}) before the death ({died_on})")
    if member.organisation_id != organisation.pk:
        raise StakeError(f"member {member.number} is not on {organisation}'s register")
    with transaction.atomic():
        account = ShareAccount.objects.select_for_update().filter(member=member).first()
        held = account.balance_pence if account else 0
        if held == 0:
            raise StakeError(f"member {member.number} holds no shares to settle")
        _check_shown(member, held, shown_pence)
        nomination, to_nominee, to_estate = death_payouts(
            organisation, member, died_on=died_on, held_pence=held
        )
        payouts = []
        # Each part is a payment out under the asset lock (SI 2006/264 Sch.1 para 2(c)).
        if to_nominee:
            pay_out_members_capital(
                organisation, account, Purpose.ON_DEATH, to_nominee, on=on, actor=actor,
                recipient_name=nomination.nominee_name, reference=f"nomination-{nomination.pk}",
                note=f"to {nomination.nominee_name}",
            )  # fmt: skip
            payouts.append((nomination.nominee_name, to_nominee))
        if to_estate:
            pay_out_members_capital(
                organisation, account, Purpose.ON_DEATH, to_estate, on=on, actor=actor,
                recipient_name=f"the personal representatives of {member.display_name}",
                reference="estate", note="to the personal representatives",
            )  # fmt: skip
            payouts.append(("personal representatives", to_estate))
        ended = _end_membership_on_death(member, died_on, actor)
        audit.record(organisation, "shares.settled_on_death", actor=actor, subject=member,
                     data={"member": member.number, "nominee": to_nominee,
                           "estate": to_estate, "membership_ended": ended})  # fmt: skip
    return payouts


def _end_membership_on_death(member, died_on: date, actor) -> bool:
    """Membership ends on death: inside settle_on_death's transaction, end a current membership
    on the date of death through the register's `cease` (which audits it as member.ceased),
    when the actor may change memberships. Returns whether it ended it; False leaves it to the
    membership secretary (an administrator keeps the share register but not the members), and
    the page says so."""
    if not member.is_member:
        return False
    if hasattr(actor, "has_perm") and not has_perm(
        "register.manage_members", actor, member.organisation
    ):
        return False
    try:
        register.cease(member, StatusChange.Reason.DIED, actor=actor, on=died_on,
                       note="ended when the shares were settled on death")  # fmt: skip
    except MemberError as exc:  # e.g. a date of death before the membership began
        raise StakeError(f"the membership could not end on the date of death: {exc}") from exc
    return True


def settle_on_bankruptcy(
    organisation, member, *, trustee_name: str, adjudged_on: date, on: date,
    amount_pence: int | None = None, shown_pence: int | None = None, actor=None,
):  # fmt: skip
    """Pay a bankrupt member's shares (all of them, or `amount_pence`) to the trustee of their
    property, as the society's rules provide for claims of the trustees of bankrupt members
    (CCBSA 2014 Sch.1; SI 2006/264 Sch.1 para 2(d)). Refused above the paid-up value. Waiting
    withdrawal requests lapse as far as the holding no longer covers them. `shown_pence`, when
    given, is the holding the officer was shown: refused if it has changed since. Returns the
    movement."""
    require(actor, "stake.keep_register", organisation, "pay a bankrupt member's shares")
    shares_rules(organisation)
    check_day(adjudged_on, "the bankruptcy order on")
    check_day(on, "the payment on")
    check_text(trustee_name, 200, "the trustee's name")
    if not trustee_name.strip():
        raise StakeError("name the trustee of the bankrupt member's property")
    if on < adjudged_on:
        raise StakeError(f"the shares are paid ({on}) before the bankruptcy order ({adjudged_on})")
    if member.organisation_id != organisation.pk:
        raise StakeError(f"member {member.number} is not on {organisation}'s register")
    if amount_pence is not None:
        check_pence(amount_pence, "a payment to the trustee")
        if amount_pence <= 0:
            raise StakeError(f"a payment must be a positive number of pence, not {amount_pence}")
    with transaction.atomic():
        account = ShareAccount.objects.select_for_update().filter(member=member).first()
        held = account.balance_pence if account else 0
        if held == 0:
            raise StakeError(f"member {member.number} holds no shares to pay to a trustee")
        _check_shown(member, held, shown_pence)
        paying = held if amount_pence is None else amount_pence
        movement = pay_out_members_capital(
            organisation, account, Purpose.BANKRUPTCY, paying, on=on, actor=actor,
            recipient_name=trustee_name.strip(), reference="bankruptcy",
            note=f"to {trustee_name.strip()}, trustee in bankruptcy (order of {adjudged_on})",
        )  # fmt: skip
        audit.record(organisation, "shares.settled_on_bankruptcy", actor=actor, subject=member,
                     data={"member": member.number, "trustee": paying})  # fmt: skip
    return movement
