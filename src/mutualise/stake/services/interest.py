"""Interest on shares: a yearly rate declared by the board, at most the rulebook's cap,
computed per day held and split by largest remainder so the total is exact to the penny."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db import IntegrityError, connection, transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution import money
from mutualise.register.models import Organisation

from .. import bulk
from ..models import InterestRun, Movement, ShareAccount
from .errors import StakeError, check_day, require, shares_rules
from .ledger import maximum_holding

# A rate as typed: '3%', '2.5%', '0.03' or '3/100'; no exponents (Fraction('1e-999999999')
# would build a number of a billion digits).
_RATE = re.compile(r"\d{1,6}(\.\d{1,12})?%?|\d{1,12}/\d{1,12}")


def parse_rate(text: str) -> Fraction:
    """'3%', '0.03' or '3/100' as an exact fraction; a clear error otherwise."""
    raw = text.strip()
    if not _RATE.fullmatch(raw):
        raise StakeError(f"rate {text[:40]!r} is not a number such as 3% or 0.03")
    try:
        rate = Fraction(raw[:-1]) / 100 if raw.endswith("%") else Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise StakeError(f"rate {text!r} is not a number such as 3% or 0.03") from None
    if rate <= 0:
        raise StakeError(f"rate {text!r} must be above nothing")
    return rate


def _percent(rate: Fraction) -> str:
    """'8.1000%': as a Decimal, not a float, which a rate of 1e400 would overflow."""
    return f"{Decimal(rate.numerator) * 100 / Decimal(rate.denominator):.4f}%"


@dataclass(frozen=True)
class InterestPreview:
    rate: Fraction
    starts_on: date
    ends_on: date
    total_pence: int
    by_member: dict[int, int]  # membership number -> pence
    by_account: list[tuple[int, int]] = field(default_factory=list, repr=False)  # (account, p)

    def digest(self) -> str:
        return bulk.digest(f"{n}:{p}" for n, p in self.by_member.items())  # in number order

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
    _check_run(organisation, rate, starts_on, ends_on)
    rows, weights, year_days = _weights(organisation, starts_on, ends_on)
    total, parts = money.interest_parts(weights, rate, year_days)
    return InterestPreview(
        rate, starts_on, ends_on, total,
        {number: pence for (_, number, _), pence in zip(rows, parts, strict=True) if pence},
        [(account, pence) for (account, _, _), pence in zip(rows, parts, strict=True) if pence],
    )  # fmt: skip


def _check_run(organisation, rate: Fraction, starts_on: date, ends_on: date) -> None:
    shares = shares_rules(organisation)
    if shares.interest_cap is None:
        raise StakeError(
            f"{organisation}'s rulebook declares no maximum rate (shares.interest_cap), "
            "so no interest can be declared"
        )
    cap = Fraction(shares.interest_cap)
    if rate > cap:
        raise StakeError(
            f"rate {_percent(rate)} is above the rulebook's maximum {_percent(cap)} "
            "(shares.interest_cap)"
        )
    check_day(starts_on, "the period starting on")
    check_day(ends_on, "the period ending on")
    if ends_on < starts_on:
        raise StakeError(f"the period ends ({ends_on}) before it starts ({starts_on})")


def _weights(organisation, starts_on: date, ends_on: date):
    """(account, number) rows in number order and their pence-days as weights over one year
    length (money.interest_years: actual/actual, a full year earns the rate and no more)."""
    years = money.interest_years(starts_on, ends_on)
    if len(years) == 1:  # the usual case: one GROUP BY, the pence-days are the weights
        rows = bulk.pence_days(organisation.pk, starts_on, ends_on)
        return rows, [held for _, _, held in rows], years[0][2]
    per_year = [
        {(a, n): held for a, n, held in bulk.pence_days(organisation.pk, first, last)}
        for first, last, _ in years
    ]
    rows = sorted(set().union(*per_year), key=lambda row: row[1])
    weights, year_days = money.interest_weights(
        [[held.get(row, 0) for row in rows] for held in per_year], years
    )
    return [(a, n, None) for a, n in rows], weights, year_days


def post_interest(organisation, rate: Fraction, starts_on: date, ends_on: date, *, actor=None):
    """Post the preview in one transaction: credit each part to the member's account on the
    period's last day, or record it as paid out where the member chose payment (or the
    rulebook's default is payment: shares.interest_choice), no longer holds shares, or
    crediting would pass the maximum holding. Set-wise (services/bulk.py): one audit event for
    the run, carrying the digest of every part; the ledger holds each credited part."""
    require(actor, "stake.declare_interest", organisation, "declare interest on shares")
    _check_run(organisation, rate, starts_on, ends_on)
    ceiling = maximum_holding(organisation)
    if ends_on > clock.localdate():
        raise StakeError(
            f"the period ends on {ends_on}, which has not passed: interest is posted for days "
            "already held (members may still join or leave)"
        )
    ops = connection.ops
    try:
        with transaction.atomic():
            # One run at a time per organisation, and never twice for a day already paid.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            # The parts are worked out under that lock, not before it: a movement committed
            # while this run waited for the lock is in them. One committing after it is
            # ordered after the run: the movement's foreign key check takes a key-share lock
            # on the same row (PostgreSQL), so it waits for this transaction to end.
            preview = preview_interest(organisation, rate, starts_on, ends_on)
            earlier = InterestRun.objects.filter(
                organisation=organisation, starts_on__lte=ends_on, ends_on__gte=starts_on
            ).first()
            if earlier is not None:
                raise StakeError(
                    f"interest for {earlier.starts_on}..{earlier.ends_on} has already been "
                    f"posted, and {starts_on}..{ends_on} shares days with it"
                )
            run = InterestRun.objects.create(
                organisation=organisation, rate=str(rate), starts_on=starts_on,
                ends_on=ends_on, total_pence=preview.total_pence, posted_at=clock.now(),
                posted_by=audit.actor_name(actor),
            )  # fmt: skip
            choice = shares_rules(organisation).interest_choice
            bulk.load_parts(preview.by_account)
            credited = bulk.post_interest_parts(
                organisation_id=organisation.pk, run_id=run.pk, ceiling=ceiling,
                members_may_choose=choice.members_may_choose,
                credit_by_default=choice.default == "credit",
                on=ops.adapt_datefield_value(ends_on),
                recorded_at=ops.adapt_datetimefield_value(run.posted_at),
                recorded_by=run.posted_by, reference=run_reference(run),
            )  # fmt: skip
            bulk.drop_parts()
            audit.record(
                organisation, "shares.interest_posted", actor=actor, subject=run,
                data={"rate": str(rate), "total": preview.total_pence,
                      "members": len(preview.by_member), "credited": credited,
                      "postings_sha256": preview.digest()},
            )  # fmt: skip
    except IntegrityError:
        raise StakeError(f"interest for {starts_on}..{ends_on} has already been posted") from None
    return run, preview


def run_reference(run: InterestRun) -> str:
    return f"interest-run-{run.pk}"


def posted_digest(run: InterestRun) -> str:
    """The digest of the run's parts as the ledger and the paid-out record hold them now; equal
    to the `postings_sha256` of its audit event unless something was changed since."""
    credited = Movement.objects.filter(
        organisation=run.organisation_id, reference=run_reference(run), kind="interest"
    ).values_list("account__member__number", "amount_pence")
    paid = run.payments.values_list("member__number", "amount_pence")
    return bulk.digest(f"{n}:{p}" for n, p in sorted([*credited, *paid]))


def choose_interest(organisation, member, choice: str, *, actor=None) -> ShareAccount:
    """The member's choice of interest paid ("pay") or credited ("credit"), or "" for the
    rulebook's default; made by the member on their account page or by an officer for them."""
    if not (getattr(actor, "pk", None) is not None and member.user_id == actor.pk):
        require(actor, "stake.keep_register", organisation, "record a member's interest choice")
    if not shares_rules(organisation).interest_choice.members_may_choose:
        raise StakeError(
            f"{organisation}'s rules give members no choice of interest paid or credited "
            "(shares.interest_choice.members_may_choose)"
        )
    if choice not in ShareAccount.InterestChoice.values:
        raise StakeError(f"interest choice {choice[:20]!r} is not 'pay', 'credit' or ''")
    if member.organisation_id != organisation.pk:
        raise StakeError(f"member {member.number} is not on {organisation}'s register")
    with transaction.atomic():
        account = ShareAccount.objects.select_for_update().filter(member=member).first()
        if account is None:
            raise StakeError(f"member {member.number} has no share account yet")
        was, account.interest_choice = account.interest_choice, choice
        account.save(update_fields=["interest_choice"])
        audit.record(organisation, "shares.interest_chosen", actor=actor, subject=account,
                     data={"member": member.number, "was": was, "now": choice})  # fmt: skip
    return account
