"""Reads of the stake that other pages need (a member's membership page)."""

from __future__ import annotations

from .models import ShareAccount


def holding_pence(member) -> int:
    """What the member holds in shares, in pence (0 with no account yet)."""
    account = ShareAccount.objects.filter(member=member).first()
    return account.balance_pence if account else 0
