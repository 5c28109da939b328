"""A year's surplus allocated in the rulebook's order (surplus.allocation): reserves, interest
on shares, a patronage dividend in proportion to members' trade (never for a community benefit
society), an equal percentage of pay for every partner (from a payroll file), community
purposes, a CIC's capped dividend. Each run is previewed (stored, with every member's part),
approved by the resolution the rulebook requires (surplus.approved_by), then posted."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from fractions import Fraction

from django.apps import apps
from django.db import transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution import money
from mutualise.constitution.schema import MEMBER_DISTRIBUTIONS, LegalForm, SurplusUse, percent

from .. import bulk
from ..models import SurplusPot, SurplusRun
from .errors import StakeError, check_day, check_pence, check_text, require

Use = SurplusUse
_POUNDS = re.compile(r"£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?")
ROW_ERRORS_SHOWN = 20


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also passes '²', which int() refuses."""
    return text.isascii() and text.isdigit()


def read_amounts(text: str, column: str, what: str) -> dict[int, int]:
    """A CSV with 'Membership number' and `column` (pounds, e.g. 1234.56) as {number: pence};
    every bad row is named (row number, column, value) in one error."""
    try:
        return _read_amounts(text, column, what)
    except csv.Error as exc:  # a stray carriage return or NUL: the file's fault, named
        raise StakeError(f"the {what} file cannot be read as CSV: {exc}") from None


def _read_amounts(text: str, column: str, what: str) -> dict[int, int]:
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(rows, [])]
    try:
        at_number, at_amount = header.index("membership number"), header.index(column.lower())
    except ValueError:
        raise StakeError(
            f"the {what} file needs the columns 'Membership number' and '{column}'"
        ) from None
    found: dict[int, int] = {}
    errors = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        number = row[at_number].strip() if at_number < len(row) else ""
        amount = row[at_amount].strip() if at_amount < len(row) else ""
        pounds, dot, pence = amount.partition(".")
        if (
            _digits(number)
            and len(number) <= 12
            and _digits(pounds)
            and len(pounds) <= 12
            and (not dot or len(pence) == 2 and _digits(pence))
        ):
            key = int(number)  # the common row, without the pattern
            if key not in found:
                found[key] = int(pounds) * 100 + (int(pence) if dot else 0)
                continue
        match = _POUNDS.fullmatch(amount)
        if not _digits(number):
            errors.append(f"row {line}, 'Membership number': {number[:20]!r} is not a number")
        elif len(number) > 12:  # no register numbers so many; a bigint could not hold it
            errors.append(f"row {line}, 'Membership number': {number[:20]!r} is no member's number")
        elif match is None:
            errors.append(
                f"row {line}, '{column}': {amount[:20]!r} is not an amount such as 1234.56"
            )
        elif int(number) in found:
            errors.append(f"row {line}: member {number} is listed twice")
        elif len(whole := match.group(1).replace(",", "")) > 12:
            errors.append(f"row {line}, '{column}': {amount[:20]!r} is more than any real amount")
        else:
            found[int(number)] = int(whole) * 100 + int(match.group(2) or 0)
    if errors:
        more = len(errors) - ROW_ERRORS_SHOWN
        raise StakeError(
            f"the {what} file has {len(errors)} bad rows: "
            + "; ".join(errors[:ROW_ERRORS_SHOWN])
            + (f"; and {more} more" if more > 0 else "")
        )
    return found


def preview_surplus(
    organisation,
    *,
    year_ending,
    surplus_pence: int,
    pots: Mapping[str, int],
    bonus_rate: Fraction | None = None,
    payroll: str | None = None,
    trade: str | None = None,
    distributable_pence: int | None = None,
    actor=None,
) -> SurplusRun:
    """Check the allocation against the rulebook and store it, with each member's part of the
    pots paid to members (largest remainder: every pot exact to the penny). Reserves take what
    the other pots leave, where the rulebook has reserves."""
    require(actor, "stake.allocate_surplus", organisation, "allocate the surplus")
    c = organisation.constitution
    order = [share.use for share in c.surplus.allocation]
    limits = {share.use: share.at_most for share in c.surplus.allocation}
    if surplus_pence < 0:
        raise StakeError(f"a surplus cannot be negative ({surplus_pence}p); there is none")
    check_pence(surplus_pence, "the surplus")
    check_day(year_ending, "the year ending on")
    if distributable_pence is not None:
        check_pence(distributable_pence, "the distributable profits")
    amounts: dict[Use, int] = {}
    for name, pence in pots.items():
        use = Use(name) if name in {u.value for u in Use} else None
        if use is None or use not in order:
            raise StakeError(
                f"'{name}' is not a use of surplus in {organisation}'s rules; they allow "
                + ", ".join(order)
            )
        if pence < 0:
            raise StakeError(f"'{use}' is given {pence}p; a pot cannot be negative")
        check_pence(pence, f"'{use}'")
        amounts[use] = pence
    bases: dict[Use, list[tuple[int, int]]] = {}  # (membership number, trade or pay)
    rates: dict[Use, Fraction] = {}
    if Use.PATRONAGE_DIVIDEND in amounts:
        if c.organisation.legal_form is LegalForm.COMMUNITY_BENEFIT_SOCIETY:
            raise StakeError(
                "a community benefit society may not pay a dividend on members' trade; its "
                "profits go to the community (Community Shares Handbook 6.2-6.3)"
            )
        if trade is None:
            raise StakeError("a patronage dividend needs each member's trade (a trade file)")
        traded = read_amounts(trade, "Trade", "trade")
        bases[Use.PATRONAGE_DIVIDEND] = sorted(traded.items())
    if Use.EQUAL_PERCENTAGE_OF_PAY in order and (payroll is not None or bonus_rate is not None):
        if payroll is None:
            raise StakeError("an equal percentage of pay needs the payroll file")
        pay = read_amounts(payroll, "Gross pay", "payroll")
        rows = sorted(pay.items())
        total_pay = sum(p for _, p in rows)
        if bonus_rate is not None:
            if bonus_rate <= 0:
                raise StakeError("the bonus must be a percentage of pay above nothing")
            cost = bonus_rate * total_pay
            amounts[Use.EQUAL_PERCENTAGE_OF_PAY] = cost.numerator // cost.denominator
        elif Use.EQUAL_PERCENTAGE_OF_PAY not in amounts:
            raise StakeError("give the bonus as a percentage of pay or as a sum")
        rates[Use.EQUAL_PERCENTAGE_OF_PAY] = (
            Fraction(amounts[Use.EQUAL_PERCENTAGE_OF_PAY], total_pay) if total_pay else Fraction(0)
        )
        bases[Use.EQUAL_PERCENTAGE_OF_PAY] = rows
    elif Use.EQUAL_PERCENTAGE_OF_PAY in amounts:
        raise StakeError("an equal percentage of pay needs the payroll file")
    if Use.DIVIDEND in amounts:
        _check_dividend_cap(c, amounts[Use.DIVIDEND], distributable_pence)
    given = sum(p for u, p in amounts.items() if u != Use.RESERVES)
    if Use.RESERVES in order and Use.RESERVES not in amounts:
        amounts[Use.RESERVES] = surplus_pence - given
    if sum(amounts.values()) != surplus_pence:
        raise StakeError(
            f"the pots come to {sum(amounts.values())}p, not the surplus of {surplus_pence}p"
        )
    if amounts.get(Use.RESERVES, 0) < 0:
        raise StakeError(
            f"the other pots come to {given}p, more than the surplus of {surplus_pence}p"
        )
    for use, pence in amounts.items():
        cap = limits.get(use)
        if cap is not None and pence > cap * surplus_pence:
            raise StakeError(
                f"'{use}' is {pence}p, above the rules' limit of {percent(cap)} of the surplus"
            )
    return _store(organisation, year_ending, surplus_pence, distributable_pence, order, amounts,
                  bases, rates, actor)  # fmt: skip


def _check_dividend_cap(c, dividend: int, distributable: int | None) -> None:
    cap = c.surplus.dividend_cap
    if cap is None:
        return
    if distributable is None:
        raise StakeError(
            f"a dividend is capped at {percent(cap)} of distributable profits "
            "(surplus.dividend_cap): give the distributable profits"
        )
    if dividend > cap * distributable:
        raise StakeError(
            f"a dividend of {dividend}p is above the cap of {percent(cap)} of distributable "
            f"profits of {distributable}p (surplus.dividend_cap; CIC Regulations 2005 reg 19)"
        )


def _store(organisation, year_ending, surplus, distributable, order, amounts, bases, rates, actor):
    with transaction.atomic():
        run = SurplusRun.objects.create(
            organisation=organisation, year_ending=year_ending, surplus_pence=surplus,
            distributable_pence=distributable, created_at=clock.now(),
            created_by=audit.actor_name(actor),
        )  # fmt: skip
        for use in order:
            if use not in amounts:
                continue
            rows = bases.get(use)
            pot = SurplusPot.objects.create(
                organisation=organisation, run=run, position=order.index(use), use=use,
                amount_pence=amounts[use], rate=str(rates.get(use, "")),
                basis_pence=sum(b for _, b in rows) if rows is not None else None,
            )  # fmt: skip
            if rows:
                if amounts[use] and not sum(b for _, b in rows):
                    what = "payroll" if use == Use.EQUAL_PERCENTAGE_OF_PAY else "trade"
                    raise StakeError(f"the {what} file comes to nothing: '{use}' cannot be shared")
                parts = money.split(amounts[use], [b for _, b in rows])
                bulk.load_parts([(n, b, p) for (n, b), p in zip(rows, parts, strict=True)],
                                columns=("id", "basis", "pence"))  # fmt: skip
                missing = bulk.numbers_not_on_register(organisation.pk)
                if missing:
                    what = "payroll" if use == Use.EQUAL_PERCENTAGE_OF_PAY else "trade"
                    raise StakeError(
                        f"the {what} file names members not on the register: "
                        + ", ".join(map(str, missing[:ROW_ERRORS_SHOWN]))
                    )
                bulk.insert_payments(organisation.pk, pot.pk)
                bulk.drop_parts()
        audit.record(organisation, "shares.surplus_previewed", actor=actor, subject=run,
                     data={"surplus": surplus, "pots": {str(u): amounts[u] for u in amounts}})  # fmt: skip
    return run


def required_approval(organisation) -> str:
    """The resolution kind that approves a surplus allocation, or 'board'."""
    c = organisation.constitution
    return c.surplus.approved_by or c.meetings.resolutions[0].id


def approve_surplus(run: SurplusRun, *, approved_on, reference: str = "", resolution_id=None,
                    actor=None) -> SurplusRun:  # fmt: skip
    """Record the approval the rulebook requires: the board's decision, or a resolution of
    the required kind, linked (a carried meetings resolution) or recorded by its reference."""
    organisation = run.organisation
    kind = required_approval(organisation)
    if kind == "board":
        require(actor, "stake.approve_surplus_as_board", organisation, "approve for the board")
    else:
        require(actor, "stake.allocate_surplus", organisation, "record the approval")
    if resolution_id is not None:
        # meetings sits beside stake (no imports either way): the resolution is read by name.
        resolution = (
            apps.get_model("meetings", "Resolution")
            .objects.filter(organisation=organisation, pk=resolution_id)
            .first()
        )
        if resolution is None:
            raise StakeError(f"no resolution {resolution_id} in {organisation}")
        if resolution.kind_id != kind:
            raise StakeError(
                f"the rules need a {kind} resolution to approve the surplus; "
                f"resolution {resolution_id} is {resolution.kind_id}"
            )
        if resolution.carried is not True:
            raise StakeError(f"resolution {resolution_id} was not carried")
        check_text(reference.strip(), 200, "the approval's reference")
        reference = reference or str(resolution)[:200]
    elif not reference.strip():
        raise StakeError(f"say where the {kind} approval is recorded (e.g. the minute)")
    check_text(reference.strip(), 200, "the approval's reference")
    check_day(approved_on, "an approval on")
    with transaction.atomic():
        run = SurplusRun.objects.select_for_update().get(pk=run.pk)
        if run.state != SurplusRun.State.PREVIEWED:
            raise StakeError(f"the run is already {run.state}")
        run.state, run.approved_by_kind, run.approved_on = "approved", kind, approved_on
        run.approval_reference, run.resolution_id = reference.strip(), resolution_id
        run.save()
        audit.record(organisation, "shares.surplus_approved", actor=actor, subject=run,
                     data={"kind": kind, "reference": run.approval_reference})  # fmt: skip
    return run


def surplus_digest(run: SurplusRun) -> str:
    """SHA-256 of every payment, "use:member number:pence" lines in pot then number order."""
    return bulk.payments_digest(run.pk)


def post_surplus(run: SurplusRun, *, actor=None) -> SurplusRun:
    """Post an approved run: the pots and payments stand, sealed by the digest in the event."""
    organisation = run.organisation
    require(actor, "stake.allocate_surplus", organisation, "post the surplus allocation")
    with transaction.atomic():
        run = SurplusRun.objects.select_for_update().get(pk=run.pk)
        if run.state != SurplusRun.State.APPROVED:
            raise StakeError(f"a run is posted once approved; this one is {run.state}")
        run.state, run.posted_at = SurplusRun.State.POSTED, clock.now()
        run.save(update_fields=["state", "posted_at"])
        members = [p.use for p in run.pots.all() if p.use in MEMBER_DISTRIBUTIONS]
        audit.record(organisation, "shares.surplus_posted", actor=actor, subject=run,
                     data={"pots": members, "payments_sha256": surplus_digest(run)})  # fmt: skip
    return run
