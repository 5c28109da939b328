"""Transfers of the organisation's assets, checked against its asset lock before recording."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution.asset_lock import transfer_refusal

from ..models import AssetTransfer
from .errors import StakeError, check_day, check_pence, check_text, require


def transfer_assets(
    organisation,
    *,
    recipient_kind: str,
    recipient_name: str,
    amount_pence: int,
    on: date,
    purpose: str,
    actor=None,
) -> AssetTransfer:
    require(actor, "stake.transfer_assets", organisation, "transfer the organisation's assets")
    check_pence(amount_pence, "a transfer")
    if amount_pence <= 0:
        raise StakeError(f"a transfer must be a positive number of pence, not {amount_pence}")
    check_day(on, "a transfer on")
    check_text(recipient_name, 200, "the recipient's name")
    check_text(purpose, 300, "the purpose")
    refusal = transfer_refusal(organisation.constitution, recipient_kind)
    if refusal:
        raise StakeError(f"refused: {refusal}")
    with transaction.atomic():
        moved = AssetTransfer.objects.create(
            organisation=organisation,
            recipient_kind=recipient_kind,
            recipient_name=recipient_name,
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
            data={"kind": recipient_kind, "pence": amount_pence},
        )
    return moved
