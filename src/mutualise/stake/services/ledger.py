"""The share ledger's verbs: open an account, record a movement, transfer, and check that every
balance is the sum of its entries. Each movement is one locked transaction with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution.money import WITHDRAWABLE_CAP_PENCE

from ..models import Movement, ShareAccount
from .errors import StakeError, check_day, check_pence, check_text, require, shares_rules
from .lapses import lapse_uncovered

Kind = Movement.Kind


def maximum_holding(organisation) -> int | None:
    """The most one member may hold: the rulebook's maximum and, for withdrawable shares, the
    Act's cap (s.24), whichever is lower; None when neither limits it."""
    shares = shares_rules(organisation)
    limits = [shares.maximum_holding_pence] if shares.maximum_holding_pence is not None else []
    if shares.withdrawable:
        limits.append(WITHDRAWABLE_CAP_PENCE)
    return min(limits) if limits else None


def account_for(organisation, member, on: date | None = None) -> ShareAccount:
    if member.organisation_id != organisation.pk:
        raise StakeError(f"member {member.number} is not on {organisation}'s register")
    account, _ = ShareAccount.objects.get_or_create(
        organisation=organisation,
        member=member,
        defaults={"opened_on": on or clock.localdate()},
    )
    return account


def _check(organisation, kind: str, amount: int, on: date | None = None) -> None:
    shares = shares_rules(organisation)
    check_pence(amount, f"a {kind}")
    if on is not None:
        check_day(on, f"a {kind} on")
    if kind not in Kind.values:
        raise StakeError(f"unknown movement '{kind}'; movements are {', '.join(Kind.values)}")
    if amount <= 0:
        raise StakeError(f"a {kind} must be a positive number of pence, not {amount}")
    if kind == Kind.ALLOTMENT and amount % shares.nominal_value_pence:
        raise StakeError(
            f"an allotment is of whole shares: {amount}p is not a multiple of the nominal "
            f"value {shares.nominal_value_pence}p"
        )
    if kind in (Kind.TRANSFER_IN, Kind.TRANSFER_OUT) and not shares.transferable:
        raise StakeError(f"{organisation}'s shares are not transferable (shares.transferable)")
    if kind == Kind.WITHDRAWAL and not shares.withdrawable:
        raise StakeError(f"{organisation}'s shares are not withdrawable (shares.withdrawable)")


def _append(organisation, account_pk, kind, amount, on, actor, reference, note, counterpart=None):
    """Inside the caller's transaction: lock the account, append, move the balance, audit; a
    movement that lowers the holding below what the member's waiting withdrawal requests ask for
    lapses them down to it (`lapses.py`)."""
    account = ShareAccount.objects.select_for_update().get(pk=account_pk)
    signed = amount if kind in Movement.INCREASES else -amount
    after = account.balance_pence + signed
    if after < 0:
        raise StakeError(
            f"member {account.member.number} holds {account.balance_pence}p; "
            f"a {kind} of {amount}p would leave less than nothing"
        )
    if signed < 0:
        _refuse_a_holding_below_nothing_on_any_day(account, signed, on, kind, amount)
    ceiling = maximum_holding(organisation)
    if signed > 0 and ceiling is not None and after > ceiling:
        raise StakeError(
            f"member {account.member.number} would hold {after}p, above the maximum "
            f"holding of {ceiling}p (shares.maximum_holding_pence; the Act's cap on "
            "withdrawable shares is GBP 100,000)"
        )
    movement = Movement.objects.create(
        organisation=organisation,
        account=account,
        kind=kind,
        amount_pence=signed,
        balance_after_pence=after,
        on=on,
        recorded_at=clock.now(),
        recorded_by=audit.actor_name(actor),
        counterpart=counterpart,
        reference=reference,
        note=note,
    )
    account.balance_pence = after
    account.save(update_fields=["balance_pence"])
    audit.record(
        organisation,
        f"shares.{kind}",
        actor=actor,
        subject=movement,
        data={"member": account.member.number, "pence": signed, "balance": after},
    )
    if signed < 0:
        lapse_uncovered(
            organisation,
            account,
            f"a {kind} of {amount}p on {on} (movement {movement.pk}) left {after}p held",
            actor=actor,
        )
    return movement


def _refuse_a_holding_below_nothing_on_any_day(account, signed, on, kind, amount) -> None:
    """A movement out dated before others already recorded (the ledger takes back-dated
    entries) must leave the holding at nothing or more on every day from its own on, in the
    order of the days the movements take effect: the history the pages and statements show."""
    later = list(
        Movement.objects.filter(account=account, on__gt=on)
        .order_by("on", "id")
        .values_list("on", "amount_pence")
    )
    if not later:
        return  # the balance already counts every movement up to `on`
    running = account.balance_pence - sum(pence for _, pence in later) + signed
    if running < 0:
        raise StakeError(
            f"member {account.member.number} held {running - signed}p on {on}; a {kind} of "
            f"{amount}p cannot be dated before the movements that brought the shares"
        )
    for day, pence in later:
        running += pence
        if running < 0:
            raise StakeError(
                f"a {kind} of {amount}p dated {on} would leave member {account.member.number} "
                f"holding less than nothing on {day}, after the movements already recorded"
            )


def record_movement(
    organisation,
    member,
    kind: str,
    amount_pence: int,
    *,
    on: date,
    actor=None,
    reference: str = "",
    note: str = "",
) -> Movement:
    """Append one movement of `amount_pence` (always positive; the kind gives the direction)."""
    require(actor, "stake.keep_register", organisation, "record share movements")
    if kind in (Kind.TRANSFER_IN, Kind.TRANSFER_OUT):
        raise StakeError("a transfer moves shares between two members: use transfer()")
    if kind == Kind.WITHDRAWAL:
        # Recording it here would skip the notice, the moratorium, a suspension and the
        # yearly limit, which only the request and the payment round apply.
        raise StakeError(
            "a withdrawal is paid through a request and a payment round (request_withdrawal, "
            "then pay_withdrawals), which apply the notice period, the moratorium, a suspension "
            "and the yearly limit; it cannot be recorded as a plain movement"
        )
    _check(organisation, kind, amount_pence, on)
    check_text(reference, 100, "the reference")
    check_text(note, 300, "the note")
    with transaction.atomic():
        account = account_for(organisation, member, on)
        return _append(organisation, account.pk, kind, amount_pence, on, actor, reference, note)


def transfer(
    organisation, giver, receiver, amount_pence: int, *, on: date, actor=None, note: str = ""
) -> tuple[Movement, Movement]:
    """Move shares from one member to another, where the rulebook lets shares be transferred."""
    require(actor, "stake.keep_register", organisation, "transfer shares")
    _check(organisation, Kind.TRANSFER_OUT, amount_pence, on)
    check_text(note, 300, "the note")
    if giver.pk == receiver.pk:
        raise StakeError("a member cannot transfer shares to themselves")
    with transaction.atomic():
        out = account_for(organisation, giver, on)
        into = account_for(organisation, receiver, on)
        gone = _append(organisation, out.pk, Kind.TRANSFER_OUT, amount_pence, on, actor, "", note)
        came = _append(
            organisation, into.pk, Kind.TRANSFER_IN, amount_pence, on, actor, "", note, gone
        )
    return gone, came


@dataclass(frozen=True)
class LedgerProblem:
    member_number: int
    balance_pence: int
    entries_pence: int


def verify_ledger(organisation) -> list[LedgerProblem]:
    """Every account whose balance is not the sum of its entries (an empty list: it balances)."""
    sums = dict(
        Movement.objects.filter(organisation=organisation)
        .values("account")
        .annotate(total=Sum("amount_pence"))
        .values_list("account", "total")
    )
    return [
        LedgerProblem(number, balance, sums.get(pk, 0))
        for pk, number, balance in ShareAccount.objects.filter(
            organisation=organisation
        ).values_list("pk", "member__number", "balance_pence")
        if balance != sums.get(pk, 0)
    ]
