"""Stake's documents: a member's yearly statement (PDF), the share certificate for an
allotment where the rulebook issues them (PDF), and the interest return to HMRC (CSV: every
payee paid or credited at least the rulebook's threshold in the period, ITA 2007 s.887)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from django.db.models import Sum
from fpdf import FPDF

from mutualise.register.exports import neutralise
from mutualise.register.models import Member

from .models import InterestPayment, Movement, ShareAccount
from .services.errors import StakeError, shares_rules


def _text(value: str) -> str:
    # The core PDF fonts are Latin-1: replace what they cannot draw rather than fail.
    return value.replace("\u2019", "'").encode("latin-1", "replace").decode("latin-1")


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


def interest_by_member(organisation, first: date, last: date) -> dict[int, int]:
    """Interest credited or paid to each member (by pk) in [first, last]; crediting counts as
    paying (s.887(6))."""
    out: dict[int, int] = defaultdict(int)
    credited = (
        Movement.objects.filter(
            organisation=organisation, kind=Movement.Kind.INTEREST, on__gte=first, on__lte=last
        )  # fmt: skip
        .values("account__member")
        .annotate(total=Sum("amount_pence"))
        .values_list("account__member", "total")
    )
    paid = (
        InterestPayment.objects.filter(
            organisation=organisation, run__ends_on__gte=first, run__ends_on__lte=last
        )  # fmt: skip
        .values("member")
        .annotate(total=Sum("amount_pence"))
        .values_list("member", "total")
    )
    for member, pence in [*credited, *paid]:
        out[member] += pence
    return dict(out)


def hmrc_return_csv(organisation, first: date, last: date) -> str:
    """The s.887 return: name, place of residence and the interest paid without deduction, for
    every payee at or above the rulebook's threshold (shares.interest_return_threshold_pence)."""
    threshold = shares_rules(organisation).interest_return_threshold_pence
    paid = {m: p for m, p in interest_by_member(organisation, first, last).items()
            if p >= threshold}  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Membership number", "Name", "Address", "Postcode",
                     "Interest paid gross (GBP)", "Period start", "Period end"])  # fmt: skip
    members = Member.objects.filter(pk__in=paid).order_by("number")
    for m in members.values_list("pk", "number", "display_name", "address", "postcode"):
        pk, number, name, address, postcode = m
        pence = paid[pk]
        writer.writerow([neutralise(v) for v in (number, name, address, postcode,
                         f"{pence // 100}.{pence % 100:02d}", first, last)])  # fmt: skip
    return "\ufeff" + out.getvalue()


@dataclass(frozen=True)
class Statement:
    member: Member
    first: date
    last: date
    opening_pence: int
    rows: list[tuple[date, str, int, int]]  # day, what, amount, balance after
    closing_pence: int
    interest_pence: int


def statement(organisation, member, first: date, last: date) -> Statement:
    account = ShareAccount.objects.filter(organisation=organisation, member=member).first()
    moves = list(Movement.objects.filter(account=account).order_by("on", "id")) if account else []
    opening = sum(m.amount_pence for m in moves if m.on < first)
    # Balances in the order the movements take effect, as the pages show them.
    balances = accumulate(m.amount_pence for m in moves)
    rows = [(m.on, m.get_kind_display(), m.amount_pence, balance)
            for m, balance in zip(moves, balances, strict=True) if first <= m.on <= last]  # fmt: skip
    closing = opening + sum(r[2] for r in rows)
    interest = interest_by_member(organisation, first, last).get(member.pk, 0)
    return Statement(member, first, last, opening, rows, closing, interest)


class _Document(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.set_title(_text(title))
        self.set_margins(20, 20, 20)
        self.add_page()

    def line_of(self, text: str, size: int = 11, style: str = "") -> None:
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, size * 0.5, _text(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)


def statement_pdf(organisation, member, first: date, last: date) -> bytes:
    s = statement(organisation, member, first, last)
    pdf = _Document(f"Share statement {first} to {last}")
    pdf.line_of(organisation.name, 16, "B")
    pdf.line_of(f"Statement of your share account, {first:%-d %B %Y} to {last:%-d %B %Y}", 13)
    pdf.line_of(f"{member.display_name}, membership number {member.number}")
    pdf.line_of(f"Balance on {first:%-d %B %Y}: {_pounds(s.opening_pence)}", style="B")
    pdf.set_font("Helvetica", "", 10)
    for day, what, amount, after in s.rows:
        pdf.cell(35, 6, f"{day:%-d %b %Y}")
        pdf.cell(70, 6, _text(what))
        pdf.cell(30, 6, _text(_pounds(amount)), align="R")
        pdf.cell(35, 6, _text(_pounds(after)), align="R", new_x="LMARGIN", new_y="NEXT")
    if not s.rows:
        pdf.line_of("No movements in the period.")
    pdf.ln(2)
    pdf.line_of(f"Balance on {last:%-d %B %Y}: {_pounds(s.closing_pence)}", style="B")
    pdf.line_of(
        f"Interest paid or credited to you in the period: {_pounds(s.interest_pence)}. It is paid "
        "without tax deducted and is savings income for your tax return.", 10,
    )  # fmt: skip
    return bytes(pdf.output())


def certificate_pdf(organisation, movement: Movement) -> bytes:
    """The share certificate for one allotment (its number is the ledger entry's)."""
    shares = shares_rules(organisation)
    if not shares.certificates:
        raise StakeError(
            f"{organisation}'s rules issue no share certificates (shares.certificates)"
        )
    if movement.kind != Movement.Kind.ALLOTMENT or movement.organisation_id != organisation.pk:
        raise StakeError("a certificate is issued for an allotment of this organisation's shares")
    member = movement.account.member
    count = movement.amount_pence // shares.nominal_value_pence
    pdf = _Document(f"Share certificate {movement.pk}")
    pdf.line_of(organisation.name, 18, "B")
    pdf.line_of(f"Share certificate number {movement.pk}", 14)
    pdf.ln(4)
    pdf.line_of(
        f"This is to certify that {member.display_name} of {member.address}, {member.postcode}, "
        f"membership number {member.number}, was allotted {count:,} shares of "
        f"{_pounds(shares.nominal_value_pence)} each, fully paid ({_pounds(movement.amount_pence)}), "
        f"on {movement.on:%-d %B %Y}, subject to the rules of the society.", 12,
    )  # fmt: skip
    pdf.line_of(
        "Shares are " + ("withdrawable" if shares.withdrawable else "not withdrawable")
        + " and " + ("transferable" if shares.transferable else "not transferable")
        + " under the rules.", 11,
    )  # fmt: skip
    return bytes(pdf.output())
