"""Stake's data, by subject: the ledger (accounts, movements, interest, asset transfers),
offers, withdrawals and nominations, and surplus allocation."""

from .inspection import RegisterInspection
from .ledger import AssetTransfer, InterestPayment, InterestRun, Movement, ShareAccount
from .offers import OfferApplication, ShareOffer
from .surplus import SurplusPayment, SurplusPot, SurplusRun
from .withdrawals import Nomination, WithdrawalRequest, WithdrawalSuspension

__all__ = [
    "AssetTransfer",
    "InterestPayment",
    "InterestRun",
    "Movement",
    "Nomination",
    "OfferApplication",
    "RegisterInspection",
    "ShareAccount",
    "ShareOffer",
    "SurplusPayment",
    "SurplusPot",
    "SurplusRun",
    "WithdrawalRequest",
    "WithdrawalSuspension",
]
