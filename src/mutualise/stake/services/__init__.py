"""Stake's verbs, by subject; every one checks who acts, runs in one transaction and writes the
audit log."""

from .assets import transfer_assets
from .errors import StakeError
from .interest import post_interest, preview_interest
from .ledger import account_for, maximum_holding, record_movement, transfer, verify_ledger
from .offers import apply, close_offer, open_offer

__all__ = [
    "StakeError",
    "account_for",
    "apply",
    "close_offer",
    "maximum_holding",
    "open_offer",
    "post_interest",
    "preview_interest",
    "record_movement",
    "transfer",
    "transfer_assets",
    "verify_ledger",
]
