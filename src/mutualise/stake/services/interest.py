"""Interest on shares: a yearly rate declared by the board, at most the rulebook's cap,
computed per day held and split by largest remainder so the total is exact to the penny."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.constitution import money

from ..models import InterestPayment, InterestRun, Movement, ShareAccount
from .errors import StakeError, require, shares_rules
from .ledger import _append, maximum_holding


def parse_rate(text: str) -> Fraction:
    """'3%', '0.03' or '3/100' as an exact fraction; a clear error otherwise."""
    raw = text.strip()
    try:
        rate = Fraction(raw[:-1]) / 100 if raw.endswith("%") else Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise StakeError(f"rate {text!r} is not a number such as 3% or 0.03") from None
    if rate <= 0:
        raise StakeError(f"rate {text!r} must be above nothing")
    return rate


@dataclass(frozen=True)
class InterestPreview:
    rate: Fraction
    starts_on: date
    ends_on: date
    total_pence: int
    by_member: dict[int, int]  # membership number -> pence

    def as_dict(self) -> dict:
        return {
            "rate": str(self.rate),
            "period": [self.starts_on.isoformat(), self.ends_on.isoformat()],
            "total_pence": self.total_pence,
            "members": [
                {"member": number, "pence": pence}
                for number, pence in sorted(self.by_member.items())
            ],
        }


def preview_interest(organisation, rate: Fraction, starts_on: date, ends_on: date):
    shares = shares_rules(organisation)
    if shares.interest_cap is None:
        raise StakeError(
            f"{organisation}'s rulebook declares no maximum rate (shares.interest_cap), "
            "so no interest can be declared"
        )
    cap = Fraction(shares.interest_cap)
    if rate > cap:
        raise StakeError(
            f"rate {float(rate):.4%} is above the rulebook's maximum {float(cap):.4%} "
            "(shares.interest_cap)"
        )
    if ends_on < starts_on:
        raise StakeError(f"the period ends ({ends_on}) before it starts ({starts_on})")
    holdings: dict[int, list[money.Movement]] = defaultdict(list)
    rows = Movement.objects.filter(organisation=organisation, on__lte=ends_on).values_list(
        "account__member__number", "on", "amount_pence"
    )
    for number, on, pence in rows.iterator(chunk_size=5000):
        holdings[number].append(money.Movement(on, pence))
    total, parts = money.interest(holdings, rate, starts_on, ends_on)
    return InterestPreview(rate, starts_on, ends_on, total, parts)


def post_interest(organisation, rate: Fraction, starts_on: date, ends_on: date, *, actor=None):
    """Post the preview in one transaction: credit each part to the member's account on the
    period's last day, or record it as paid out where the member no longer holds shares or
    crediting would pass the maximum holding."""
    require(actor, "stake.declare_interest", organisation, "declare interest on shares")
    preview = preview_interest(organisation, rate, starts_on, ends_on)
    ceiling = maximum_holding(organisation)
    if InterestRun.objects.filter(
        organisation=organisation, starts_on=starts_on, ends_on=ends_on
    ).exists():
        raise StakeError(f"interest for {starts_on}..{ends_on} has already been posted")
    try:
        with transaction.atomic():
            run = InterestRun.objects.create(
                organisation=organisation,
                rate=str(rate),
                starts_on=starts_on,
                ends_on=ends_on,
                total_pence=preview.total_pence,
                posted_at=timezone.now(),
                posted_by=audit.actor_name(actor),
            )
            accounts = {
                a.member.number: a
                for a in ShareAccount.objects.filter(organisation=organisation).select_related(
                    "member"
                )
            }
            for number, pence in sorted(preview.by_member.items()):
                account = accounts[number]
                movement = None
                # A member who no longer holds shares, or whom it would take past the
                # maximum, is paid rather than credited.
                holds = account.balance_pence > 0
                if holds and (ceiling is None or account.balance_pence + pence <= ceiling):
                    movement = _append(
                        organisation,
                        account.pk,
                        Movement.Kind.INTEREST,
                        pence,
                        ends_on,
                        actor,
                        f"interest-run-{run.pk}",
                        "",
                    )
                    account.balance_pence += pence
                InterestPayment.objects.create(
                    organisation=organisation,
                    run=run,
                    member=account.member,
                    amount_pence=pence,
                    movement=movement,
                )
            audit.record(
                organisation,
                "shares.interest_posted",
                actor=actor,
                subject=run,
                data={
                    "rate": str(rate),
                    "total": preview.total_pence,
                    "members": len(preview.by_member),
                },
            )
    except IntegrityError:
        raise StakeError(f"interest for {starts_on}..{ends_on} has already been posted") from None
    return run, preview
