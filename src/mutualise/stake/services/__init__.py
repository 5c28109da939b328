"""Stake's verbs, by subject; every one checks who acts, runs in one transaction and writes the
audit log."""

from .assets import transfer_assets
from .errors import StakeError
from .inspection import inspections, record_inspection
from .interest import choose_interest, post_interest, posted_digest, preview_interest
from .ledger import account_for, maximum_holding, record_movement, transfer, verify_ledger
from .nominations import (
    death_payouts,
    nominate,
    nomination_on,
    settle_on_bankruptcy,
    settle_on_death,
)
from .offers import apply, close_offer, open_offer
from .surplus import (
    approve_surplus,
    post_surplus,
    preview_surplus,
    read_amounts,
    required_approval,
    surplus_digest,
)
from .withdrawals import (
    cancel_withdrawal,
    lift_suspension,
    pay_withdrawals,
    request_withdrawal,
    suspend_withdrawals,
    suspension_on,
    yearly_allowance,
)

__all__ = [
    "StakeError",
    "account_for",
    "inspections",
    "record_inspection",
    "apply",
    "approve_surplus",
    "cancel_withdrawal",
    "choose_interest",
    "close_offer",
    "death_payouts",
    "lift_suspension",
    "maximum_holding",
    "nominate",
    "nomination_on",
    "open_offer",
    "pay_withdrawals",
    "post_interest",
    "post_surplus",
    "posted_digest",
    "preview_interest",
    "preview_surplus",
    "read_amounts",
    "record_movement",
    "request_withdrawal",
    "required_approval",
    "settle_on_bankruptcy",
    "settle_on_death",
    "suspend_withdrawals",
    "suspension_on",
    "surplus_digest",
    "transfer",
    "transfer_assets",
    "verify_ledger",
    "yearly_allowance",
]
