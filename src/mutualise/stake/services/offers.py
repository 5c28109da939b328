"""Share offers: open one, take applications with their money, and at the close allot whole
shares by the offer's policy if the minimum target is met, or refund everyone if it is not."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.constitution.calendar import add_months
from mutualise.constitution.money import Application, scale_offer
from mutualise.register.models import Member

from ..models import OfferApplication, ShareAccount, ShareOffer, WithdrawalSuspension
from .errors import StakeError, check_day, check_pence, check_text, require, shares_rules
from .ledger import Kind, _append, account_for, maximum_holding


def open_offer(
    organisation,
    *,
    title: str,
    opens_on: date,
    closes_on: date,
    minimum_pence: int,
    optimum_pence: int,
    maximum_pence: int,
    policy: str,
    minimum_holding_pence: int | None = None,
    maximum_holding_pence: int | None = None,
    kind: str = ShareOffer.Kind.TIME_BOUND,
    actor=None,
) -> ShareOffer:
    """An offer's holding range defaults to the rulebook's and may only narrow it. No open
    offer while withdrawals are suspended; no more time-bound offers in any twelve months than
    the rulebook allows (shares.time_bound_offers_a_year)."""
    require(actor, "stake.keep_register", organisation, "open a share offer")
    shares = shares_rules(organisation)
    if kind not in ShareOffer.Kind.values:
        raise StakeError(f"unknown kind {kind!r}; kinds are {', '.join(ShareOffer.Kind.values)}")
    if policy not in ShareOffer.Policy.values:
        raise StakeError(
            f"unknown policy {policy!r}; policies are {', '.join(ShareOffer.Policy.values)}"
        )
    check_text(title, 200, "the offer's title")
    check_day(opens_on, "an offer opening on")
    check_day(closes_on, "an offer closing on")
    for what, pence in (("the minimum target", minimum_pence), ("the optimum target",
                        optimum_pence), ("the maximum target", maximum_pence),
                        ("the least holding", minimum_holding_pence or 0),
                        ("the most holding", maximum_holding_pence or 0)):  # fmt: skip
        check_pence(pence, what)
    if closes_on < opens_on:
        raise StakeError(f"the offer closes ({closes_on}) before it opens ({opens_on})")
    if not minimum_pence <= optimum_pence <= maximum_pence:
        raise StakeError("the targets must be minimum <= optimum <= maximum")
    if kind == ShareOffer.Kind.OPEN:
        suspended = suspended_between(organisation, opens_on, closes_on)
        if suspended is not None:
            raise StakeError(
                f"withdrawals are suspended from {suspended.from_on}: an open offer must not "
                "run while withdrawals are suspended (Community Shares Handbook 4.5)"
            )
    if kind == ShareOffer.Kind.TIME_BOUND:
        since = add_months(opens_on, -12)
        earlier = ShareOffer.objects.filter(
            organisation=organisation, kind=ShareOffer.Kind.TIME_BOUND,
            opens_on__gt=since, opens_on__lte=opens_on,
        ).exclude(state=ShareOffer.State.REFUNDED)  # fmt: skip
        if earlier.count() >= shares.time_bound_offers_a_year:
            raise StakeError(
                f"'{earlier.first()}' opened on {earlier.first().opens_on}: the rules allow "
                f"{shares.time_bound_offers_a_year} time-bound offer(s) in any twelve months "
                "(shares.time_bound_offers_a_year)"
            )
    least = max(minimum_holding_pence or 0, shares.minimum_holding_pence)
    ceiling = maximum_holding(organisation)
    most = (
        min(v for v in (maximum_holding_pence, ceiling) if v is not None)
        if (maximum_holding_pence is not None or ceiling is not None)
        else None
    )
    with transaction.atomic():
        offer = ShareOffer.objects.create(
            organisation=organisation, title=title, opens_on=opens_on, closes_on=closes_on,
            minimum_pence=minimum_pence, optimum_pence=optimum_pence,
            maximum_pence=maximum_pence, minimum_holding_pence=least,
            maximum_holding_pence=most, policy=policy, kind=kind,
        )  # fmt: skip
        audit.record(organisation, "shares.offer_opened", actor=actor, subject=offer,
                     data={"maximum": maximum_pence, "policy": policy})  # fmt: skip
    return offer


def suspended_between(organisation, first: date, last: date) -> WithdrawalSuspension | None:
    """A suspension of withdrawals in force on any day from `first` to `last`."""
    return (
        WithdrawalSuspension.objects.filter(organisation=organisation, from_on__lte=last)
        .filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=first))
        .first()
    )


def apply(offer: ShareOffer, member, shares: int, *, at: datetime, priority: int = 0, actor=None):
    """An application for whole shares, paid in full with it (the money is held, not allotted)."""
    organisation = offer.organisation
    if getattr(actor, "pk", None) is None or member.user_id != actor.pk:  # not their own
        require(actor, "stake.keep_register", organisation, "apply for a member")
    nominal = shares_rules(organisation).nominal_value_pence
    day = timezone.localtime(at).date()
    if not offer.takes_applications_on(day):  # the offer's own question, as its page asks it
        raise StakeError(f"'{offer}' takes applications from {offer.opens_on} to {offer.closes_on}")
    if member.organisation_id != organisation.pk:
        raise StakeError(f"member {member.number} is not on {organisation}'s register")
    if member.status in (Member.Status.CEASED, Member.Status.DECLINED, Member.Status.MERGED):
        # Shares are allotted to members (or applicants, with a membership offer), never to a
        # former member, a declined applicant or a record merged into another.
        raise StakeError(
            f"member {member.number} is {member.get_status_display().lower()}: "
            "only a member or an applicant may apply for shares"
        )
    if offer.kind == ShareOffer.Kind.OPEN and suspended_between(organisation, day, day):
        raise StakeError("withdrawals are suspended, so the open offer takes no applications")
    pence = shares * nominal
    if shares <= 0:
        raise StakeError(f"an application is for at least one share, not {shares}")
    check_pence(pence, f"an application for {shares} shares")
    if shares > 2**31 - 1:  # the column's range
        raise StakeError(f"{shares} shares are more than any offer could allot")
    if not 0 <= priority <= 32767:  # the column's range
        raise StakeError(
            f"a priority group is a whole number from 0 (first) to 32767, not {priority}"
        )
    with transaction.atomic():
        # The offer's row first (so a close cannot miss an application), then the member's:
        # two applications by one member, to this offer or to two offers open at once, are
        # checked one after the other against everything held and everything already applied
        # for, so together they cannot pass the maximum.
        locked = ShareOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.state != ShareOffer.State.OPEN:
            raise StakeError(f"'{offer}' has closed ({locked.state})")
        Member.objects.select_for_update().filter(pk=member.pk).first()
        if OfferApplication.objects.filter(offer=offer, member=member).exists():
            raise StakeError(f"member {member.number} has already applied to '{offer}'")
        held = ShareAccount.objects.filter(member=member).values_list("balance_pence", flat=True)
        pending = applied_for(member)
        holding = (held.first() or 0) + pending + pence
        if holding - pending < offer.minimum_holding_pence:
            raise StakeError(
                f"the least one may hold is {offer.minimum_holding_pence}p; "
                f"{holding - pending}p asked"
            )
        ceiling = maximum_holding(organisation)
        limits = [v for v in (offer.maximum_holding_pence, ceiling) if v is not None]
        if limits and holding > min(limits):
            waiting = f", {pending}p of it applied for in offers not yet closed" if pending else ""
            raise StakeError(
                f"member {member.number} would hold {holding}p{waiting}, above the maximum "
                f"holding of {min(limits)}p (the offer's, the rulebook's "
                "shares.maximum_holding_pence, and the Act's GBP 100,000 on withdrawable shares)"
            )
        application = OfferApplication.objects.create(
            organisation=organisation, offer=offer, member=member, shares=shares,
            priority=priority, paid_pence=pence, applied_at=at,
        )  # fmt: skip
        audit.record(organisation, "shares.offer_application", actor=actor, subject=application,
                     data={"member": member.number, "shares": shares, "pence": pence})  # fmt: skip
    return application


def applied_for(member) -> int:
    """The pence a member has paid with applications to offers not yet closed."""
    pending = OfferApplication.objects.filter(
        member=member, offer__state=ShareOffer.State.OPEN
    ).aggregate(total=Sum("paid_pence"))["total"]
    return pending or 0


def close_offer(offer: ShareOffer, *, on: date, actor=None) -> ShareOffer:
    """After the closing date: below the minimum target everyone is refunded in full; otherwise
    whole shares are allotted by the offer's policy and any money not used is refunded."""
    organisation = offer.organisation
    require(actor, "stake.keep_register", organisation, "close a share offer")
    nominal = shares_rules(organisation).nominal_value_pence
    check_day(on, "closing an offer on")
    with transaction.atomic():
        offer = ShareOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.state != ShareOffer.State.OPEN:
            raise StakeError(f"'{offer}' is already closed ({offer.state})")
        if on <= offer.closes_on:
            raise StakeError(f"'{offer}' is open until {offer.closes_on}; allot after the close")
        applications = list(offer.applications.order_by("applied_at", "id"))
        raised = sum(a.paid_pence for a in applications)
        if raised < offer.minimum_pence:
            for a in applications:
                a.allotted_shares, a.refunded_pence = 0, a.paid_pence
                a.save(update_fields=["allotted_shares", "refunded_pence"])
            offer.state = ShareOffer.State.REFUNDED
        else:
            allotted = scale_offer(
                [Application(a.pk, a.shares, a.priority) for a in applications],
                offer.maximum_pence // nominal,
                offer.policy,
            )
            ceiling = maximum_holding(organisation)
            limits = [v for v in (ceiling, offer.maximum_holding_pence) if v is not None]
            for a in applications:
                a.allotted_shares = _within(limits, a, allotted[a.pk], nominal)
                a.refunded_pence = a.paid_pence - a.allotted_shares * nominal
                a.save(update_fields=["allotted_shares", "refunded_pence"])
                if a.allotted_shares:
                    account = account_for(organisation, a.member, on)
                    _append(organisation, account.pk, Kind.ALLOTMENT, a.allotted_shares * nominal,
                            on, actor, f"offer-{offer.pk}", "")  # fmt: skip
            offer.state = ShareOffer.State.ALLOTTED
        offer.save(update_fields=["state"])
        audit.record(organisation, "shares.offer_closed", actor=actor, subject=offer,
                     data={"state": offer.state, "raised": raised,
                           "refunded": sum(a.refunded_pence for a in applications)})  # fmt: skip
    return offer


def _within(limits: list[int], application, shares: int, nominal: int) -> int:
    """The shares the policy allots to `application`, fewer if the member's holding has grown
    since they applied (a transfer in, interest credited) so that allotting them all would pass
    the maximum holding: the shares that do not fit are refunded, and the offer still closes."""
    if not shares or not limits:
        return shares
    held = ShareAccount.objects.filter(member_id=application.member_id)
    room = min(limits) - (held.values_list("balance_pence", flat=True).first() or 0)
    return max(0, min(shares, room // nominal))
