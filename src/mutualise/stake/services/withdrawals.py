"""Withdrawing share capital: a request waits out the rulebook's notice and the initial
moratorium; the board pays what is due at most up to the yearly share of capital, scaled back
equally (largest remainder) when more is asked, the rest left queued; the board may suspend
withdrawals where the rules give it that power. A request lapses with the shares it asks for
when they leave the holding another way (`lapses.py`), so one member's forfeit never stops a
round paying everyone else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.db import transaction
from django.db.models import Q, Sum

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution import money
from mutualise.constitution.calendar import add_period, financial_year

from ..models import Movement, ShareAccount, ShareOffer, WithdrawalRequest, WithdrawalSuspension
from .errors import StakeError, check_day, check_pence, check_text, require, shares_rules
from .lapses import lapse_uncovered
from .ledger import Kind, _append, account_for

State = WithdrawalRequest.State


def _withdrawable(organisation):
    shares = shares_rules(organisation)
    if not shares.withdrawable:
        raise StakeError(f"{organisation}'s shares are not withdrawable (shares.withdrawable)")
    return shares


def suspension_on(organisation, day: date) -> WithdrawalSuspension | None:
    """The board's suspension in force on `day`, if any."""
    return (
        WithdrawalSuspension.objects.filter(organisation=organisation, from_on__lte=day)
        .filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=day))
        .first()
    )


def _is_own(actor, member) -> bool:
    return getattr(actor, "pk", None) is not None and member.user_id == actor.pk


def request_withdrawal(organisation, member, amount_pence: int, *, on: date, actor=None):
    """A member asks to withdraw `amount_pence`; it falls due after the notice period and not
    within the moratorium from the day their account opened."""
    if not _is_own(actor, member):
        require(actor, "stake.keep_register", organisation, "record a withdrawal request")
    shares = _withdrawable(organisation)
    check_pence(amount_pence, "a withdrawal")
    check_day(on, "a withdrawal request on")
    if amount_pence <= 0:
        raise StakeError(f"a withdrawal must be a positive number of pence, not {amount_pence}")
    with transaction.atomic():
        account = ShareAccount.objects.select_for_update().filter(member=member).first()
        held = account.balance_pence if account else 0
        waiting = sum(
            r.outstanding_pence
            for r in WithdrawalRequest.objects.filter(member=member, state=State.WAITING)
        )
        free = held - waiting
        if amount_pence > free:
            raise StakeError(
                f"member {member.number} holds {held}p with {waiting}p already asked for; "
                f"{amount_pence}p is more than the {free}p left"
            )
        left = free - amount_pence
        if 0 < left < shares.minimum_holding_pence:
            raise StakeError(
                f"withdrawing {amount_pence}p would leave {left}p, below the least a member "
                f"holds ({shares.minimum_holding_pence}p): withdraw all or leave at least that"
            )
        due = on
        if shares.withdrawal_notice is not None:
            due = add_period(on, shares.withdrawal_notice.amount, shares.withdrawal_notice.unit)
        if shares.moratorium is not None:
            free_from = add_period(account.opened_on, shares.moratorium.amount,
                                   shares.moratorium.unit)  # fmt: skip
            due = max(due, free_from)
        request = WithdrawalRequest.objects.create(
            organisation=organisation, member=member, amount_pence=amount_pence,
            requested_on=on, due_on=due, recorded_at=clock.now(),
            recorded_by=audit.actor_name(actor),
        )  # fmt: skip
        audit.record(organisation, "shares.withdrawal_requested", actor=actor, subject=request,
                     data={"member": member.number, "pence": amount_pence,
                           "due": due.isoformat()})  # fmt: skip
    return request


def cancel_withdrawal(request: WithdrawalRequest, *, actor=None) -> WithdrawalRequest:
    organisation = request.organisation
    if not _is_own(actor, request.member):
        require(actor, "stake.keep_register", organisation, "cancel a withdrawal request")
    with transaction.atomic():
        request = WithdrawalRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != State.WAITING:
            raise StakeError(f"the request is {request.get_state_display().lower()}")
        request.state = State.CANCELLED
        request.save(update_fields=["state"])
        audit.record(organisation, "shares.withdrawal_cancelled", actor=actor, subject=request,
                     data={"unpaid": request.outstanding_pence})  # fmt: skip
    return request


def suspend_withdrawals(organisation, *, from_on: date, reason: str, actor=None):
    """The board suspends withdrawals (where the rules give it the power). An open offer must
    not run while withdrawals are suspended, so one that is running must be closed first."""
    require(actor, "stake.suspend_withdrawals", organisation, "suspend withdrawals")
    shares = _withdrawable(organisation)
    if not shares.board_may_suspend_withdrawals:
        raise StakeError(
            f"{organisation}'s rules give the board no power to suspend withdrawals "
            "(shares.board_may_suspend_withdrawals)"
        )
    if not reason.strip():
        raise StakeError("say why withdrawals are suspended (the reason is recorded)")
    check_text(reason.strip(), 300, "the reason")
    check_day(from_on, "a suspension from")
    open_offers = ShareOffer.objects.filter(
        organisation=organisation, kind=ShareOffer.Kind.OPEN, state=ShareOffer.State.OPEN,
        closes_on__gte=from_on,
    )  # fmt: skip
    if open_offers.exists():
        raise StakeError(
            f"the open offer '{open_offers.first()}' is running: an open offer must not run "
            "while withdrawals are suspended, so close it first"
        )
    with transaction.atomic():
        if WithdrawalSuspension.objects.filter(organisation=organisation,
                                               lifted_on__isnull=True).exists():  # fmt: skip
            raise StakeError("withdrawals are already suspended")
        suspension = WithdrawalSuspension.objects.create(
            organisation=organisation, from_on=from_on, reason=reason.strip(),
            decided_by=audit.actor_name(actor),
        )  # fmt: skip
        audit.record(organisation, "shares.withdrawals_suspended", actor=actor,
                     subject=suspension, data={"from": from_on.isoformat()})  # fmt: skip
    return suspension


def lift_suspension(organisation, *, on: date, actor=None) -> WithdrawalSuspension:
    require(actor, "stake.suspend_withdrawals", organisation, "lift a suspension of withdrawals")
    check_day(on, "lifting a suspension on")
    with transaction.atomic():
        suspension = (
            WithdrawalSuspension.objects.select_for_update()
            .filter(organisation=organisation, lifted_on__isnull=True)
            .first()
        )
        if suspension is None:
            raise StakeError("withdrawals are not suspended")
        if on <= suspension.from_on:
            raise StakeError(f"the suspension runs from {suspension.from_on}; lift it after")
        suspension.lifted_on = on
        suspension.save(update_fields=["lifted_on"])
        audit.record(organisation, "shares.withdrawals_resumed", actor=actor,
                     subject=suspension, data={"on": on.isoformat()})  # fmt: skip
    return suspension


@dataclass(frozen=True)
class WithdrawalRound:
    on: date
    limit_pence: int | None  # what the year still allowed before this round; None: no limit
    paid: dict[int, int]  # request id -> pence paid now
    queued: dict[int, int]  # request id -> pence still waiting
    lapsed: dict[int, int] = field(default_factory=dict)  # request id -> pence lapsed now
    reasons: dict[int, str] = field(default_factory=dict)  # request id -> why not paid in full

    @property
    def paid_pence(self) -> int:
        return sum(self.paid.values())


def yearly_allowance(organisation, on: date) -> int | None:
    """What may still be withdrawn in the financial year `on` falls in: the rulebook's share
    of the capital held at the year's start, less what was withdrawn since."""
    shares = _withdrawable(organisation)
    if shares.withdrawal_yearly_limit is None:
        return None
    end = organisation.constitution.organisation.financial_year_end
    start, last = financial_year(on, end.day, end.month)
    ledger = Movement.objects.filter(organisation=organisation)
    capital = ledger.filter(on__lt=start).aggregate(s=Sum("amount_pence"))["s"] or 0
    gone = -(ledger.filter(kind=Kind.WITHDRAWAL, on__gte=start, on__lte=last)
             .aggregate(s=Sum("amount_pence"))["s"] or 0)  # fmt: skip
    limit = capital * shares.withdrawal_yearly_limit
    return max(0, limit.numerator // limit.denominator - gone)


def pay_withdrawals(organisation, *, on: date, actor=None, reference: str = "") -> WithdrawalRound:
    """Pay every request due by `on`, oldest due first: all of them if the year's allowance
    covers them, otherwise the allowance shared in proportion to what each still asks
    (largest remainder), the rest left waiting for a later round. A request for more than the
    member still holds lapses down to the holding first (the movement that lowered it should
    have done so already); a request that still cannot be paid stays waiting. Either way the
    round pays everyone else and reports each request not paid in full, with the reason."""
    require(actor, "stake.pay_withdrawals", organisation, "pay withdrawals")
    _withdrawable(organisation)
    check_day(on, "a payment round on")
    suspended = suspension_on(organisation, on)
    if suspended is not None:
        raise StakeError(
            f"withdrawals are suspended from {suspended.from_on} ({suspended.reason}); "
            "nothing may be paid"
        )
    with transaction.atomic():
        due_filter = {"organisation": organisation, "state": State.WAITING, "due_on__lte": on}
        # Accounts before requests, in one order, as every movement locks them: no deadlock.
        accounts = list(
            ShareAccount.objects.select_for_update(of=("self",))
            .filter(organisation=organisation, member__in=WithdrawalRequest.objects
                    .filter(**due_filter).values("member"))
            .select_related("member")
            .order_by("pk")
        )  # fmt: skip
        lapsed: dict[int, int] = {}
        reasons: dict[int, str] = {}
        for account in accounts:
            reason = f"member {account.member.number} held only {account.balance_pence}p on {on}"
            for pk, pence in lapse_uncovered(organisation, account, reason, actor=actor).items():
                lapsed[pk] = pence
                reasons[pk] = f"{pence}p lapsed: {reason}"
        due = list(
            WithdrawalRequest.objects.select_for_update(of=("self",))
            .filter(**due_filter)
            .select_related("member")
            .order_by("due_on", "requested_on", "id")
        )
        allowance = yearly_allowance(organisation, on)
        asked = {r.pk: r.outstanding_pence for r in due}
        if allowance is None or sum(asked.values()) <= allowance:
            parts = asked
        else:
            parts = money.largest_remainder(allowance, {k: Fraction(v) for k, v in asked.items()})
        paid = {}
        for request in due:
            pence = parts[request.pk]
            if pence:
                try:
                    _pay(organisation, request, pence, on, actor, reference)
                    paid[request.pk] = pence
                except StakeError as exc:
                    reasons[request.pk] = f"not paid: {exc}"
                    request.refresh_from_db()
            if request.outstanding_pence and request.pk not in reasons:
                reasons[request.pk] = (
                    f"{request.outstanding_pence}p waits for a later round: the year's allowance "
                    f"({allowance}p) does not cover every request due"
                )
        result = WithdrawalRound(
            on, allowance, paid, {r.pk: r.outstanding_pence for r in due if r.outstanding_pence},
            lapsed, reasons,
        )  # fmt: skip
        audit.record(organisation, "shares.withdrawals_paid", actor=actor,
                     data={"on": on.isoformat(), "paid": result.paid_pence,
                           "requests": len(result.paid), "queued": len(result.queued),
                           "lapsed": sum(lapsed.values()), "allowance": allowance,
                           "not_paid": {str(k): v for k, v in reasons.items()}})  # fmt: skip
    return result


def _pay(organisation, request, pence, on, actor, reference) -> None:
    """Pay `pence` of `request` in a savepoint: the request first, so the ledger's lapse check
    sees the payment, then the movement."""
    with transaction.atomic():
        request.paid_pence += pence
        if request.outstanding_pence == 0:
            request.state = State.PAID
        request.save(update_fields=["paid_pence", "state"])
        account = account_for(organisation, request.member, on)
        _append(organisation, account.pk, Kind.WITHDRAWAL, pence, on, actor,
                reference or f"withdrawal-{request.pk}", "")  # fmt: skip
