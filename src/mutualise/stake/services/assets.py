"""Transfers and payments out of the organisation's assets, and the residue on dissolution, each
checked against its asset lock (`constitution.asset_lock.payment_refusal`) before recording."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution.asset_lock import Purpose, payment_refusal

from ..models import AssetTransfer, Movement, ShareAccount
from .errors import StakeError, check_day, check_pence, check_text, require
from .ledger import _append


def transfer_assets(
    organisation,
    *,
    recipient_kind: str = "",
    recipient_name: str,
    amount_pence: int,
    on: date,
    purpose: str,
    purpose_kind: str = Purpose.LOCKED_BODY,
    member=None,
    dissolution: bool = False,
    actor=None,
) -> AssetTransfer:
    """Record assets passing out: to a body (`recipient_kind`), to a creditor, for community
    benefit, at full value, or repaying `member`'s share capital; `dissolution` marks a payment
    made in winding up (creditors, members' capital, then the residue). Refused, with the lock's words, unless the rulebook's lock permits it."""
    require(actor, "stake.transfer_assets", organisation, "transfer the organisation's assets")
    check_pence(amount_pence, "a transfer")
    if amount_pence <= 0:
        raise StakeError(f"a transfer must be a positive number of pence, not {amount_pence}")
    check_day(on, "a transfer on")
    check_text(recipient_name, 200, "the recipient's name")
    check_text(purpose, 300, "the purpose")
    if purpose_kind in (Purpose.ON_DEATH, Purpose.BANKRUPTCY):
        raise StakeError(
            f"refused: a {purpose_kind} payment is made through "
            f"{'settle_on_death' if purpose_kind == Purpose.ON_DEATH else 'settle_on_bankruptcy'}"
            ", which pays the member's shares out of their account under the asset lock"
        )
    repaying = purpose_kind == Purpose.SHARE_CAPITAL
    if repaying and not dissolution:
        # a going concern repays capital only as a withdrawal, under its notice and limits
        raise StakeError(
            "refused: outside a dissolution a member's share capital is repaid only through "
            "request_withdrawal and pay_withdrawals"
        )
    if repaying and (member is None or member.organisation_id != organisation.pk):
        raise StakeError("refused: repaying share capital must name a member on the register")
    if member is not None and not repaying:
        raise StakeError(f"a member is named only when repaying share capital, not {purpose_kind}")
    with transaction.atomic():
        account = None
        if repaying:  # the paid-up value, read under the account's lock
            account = (
                ShareAccount.objects.select_for_update()
                .filter(organisation=organisation, member=member)
                .first()
            )
        refusal = payment_refusal(
            organisation.constitution,
            purpose_kind,
            amount_pence=amount_pence,
            recipient=recipient_kind or None,
            paid_up_pence=account.balance_pence if account else (0 if repaying else None),
            dissolution=dissolution,
        )
        if refusal:
            raise StakeError(f"refused: {refusal}")
        repayment = None
        if account is not None:
            repayment = _append(
                organisation, account.pk, Movement.Kind.WITHDRAWAL, amount_pence, on, actor,
                "dissolution", f"share capital repaid on dissolution: {purpose}"[:300],
            )  # fmt: skip
        moved = AssetTransfer.objects.create(
            organisation=organisation,
            purpose_kind=purpose_kind,
            dissolution=dissolution,
            recipient_kind=recipient_kind,
            recipient_name=recipient_name,
            member=member,
            repayment=repayment,
            amount_pence=amount_pence,
            on=on,
            purpose=purpose,
            recorded_at=clock.now(),
            recorded_by=audit.actor_name(actor),
        )
        audit.record(
            organisation,
            "assets.transferred",
            actor=actor,
            subject=moved,
            data={
                "kind": recipient_kind,
                "purpose": str(purpose_kind),
                "dissolution": dissolution,
                "pence": amount_pence,
            },
        )
    return moved


def pay_out_members_capital(
    organisation, account, purpose_kind: Purpose, amount_pence: int, *, on: date,
    recipient_name: str, reference: str, note: str, actor=None,
):  # fmt: skip
    """Inside the caller's transaction, `account` locked: pay `amount_pence` of the member's
    shares to whoever claims in their place (on death, the nominee or personal representatives;
    on bankruptcy, the trustee), checked against the asset lock (`payment_refusal`: at most the
    paid-up value), posted to the ledger and recorded with the other payments out. Returns the
    movement."""
    refusal = payment_refusal(
        organisation.constitution, purpose_kind, amount_pence=amount_pence,
        paid_up_pence=account.balance_pence,
    )  # fmt: skip
    if refusal:
        raise StakeError(f"refused: {refusal}")
    kind = Movement.Kind.DEATH if purpose_kind == Purpose.ON_DEATH else Movement.Kind.BANKRUPTCY
    movement = _append(organisation, account.pk, kind, amount_pence, on, actor, reference, note)
    moved = AssetTransfer.objects.create(
        organisation=organisation, purpose_kind=purpose_kind, recipient_name=recipient_name[:200],
        member=account.member, repayment=movement, amount_pence=amount_pence, on=on,
        purpose=note[:300], recorded_at=clock.now(), recorded_by=audit.actor_name(actor),
    )  # fmt: skip
    audit.record(organisation, "assets.transferred", actor=actor, subject=moved,
                 data={"kind": "", "purpose": str(purpose_kind), "dissolution": False,
                       "pence": amount_pence, "member": account.member.number})  # fmt: skip
    account.refresh_from_db(fields=["balance_pence"])
    return movement
