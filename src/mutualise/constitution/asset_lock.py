"""The asset lock, enforced: who the organisation's assets may pass to, and which rule changes a
lock forbids. A statutory lock (a community benefit society's under SI 2006/264, a CIC's) and any
lock the rulebook marks `removable: false` cannot be removed or weakened by amending the rules."""

from __future__ import annotations

from .schema import AssetLockKind, Constitution, Recipient

STATUTORY = (AssetLockKind.CBS_STATUTORY, AssetLockKind.CIC)


def transfer_refusal(c: Constitution, recipient: Recipient | str) -> str | None:
    """Why assets may not pass to a body of this kind, or None if the lock permits it."""
    lock = c.asset_lock
    if lock.kind is AssetLockKind.NONE:
        return None
    try:
        kind = Recipient(recipient)
    except ValueError:
        known = ", ".join(r.value for r in Recipient)
        return f"unknown kind of recipient {recipient!r}; kinds are {known}"
    if kind not in lock.permitted_recipients:
        allowed = ", ".join(r.value for r in lock.permitted_recipients)
        return (
            f"the {lock.kind} asset lock lets assets pass only to: {allowed} "
            f"(asset_lock.permitted_recipients); not to a {kind.value}"
        )
    return None


def lock_change_refusal(old: Constitution, new: Constitution) -> str | None:
    """Why a new rulebook may not replace the old one for its asset lock, or None."""
    before, after = old.asset_lock, new.asset_lock
    if before.kind not in STATUTORY and before.removable:
        return None
    if after.kind is not before.kind:
        return (
            f"the rule change would replace the {before.kind} asset lock with '{after.kind}'; "
            "a statutory or non-removable lock cannot be removed (asset_lock.kind)"
        )
    if after.removable and not before.removable:
        return "the rule change would make a non-removable asset lock removable"
    if before.kind is AssetLockKind.CIC and old.surplus.dividend_cap is not None:
        cap = new.surplus.dividend_cap  # the dividend cap is part of a CIC's lock (reg 17-22)
        if cap is None or cap > old.surplus.dividend_cap:
            return (
                f"the rule change would raise the CIC's dividend cap from "
                f"{old.surplus.dividend_cap} to {cap}, weakening the asset lock "
                "(surplus.dividend_cap)"
            )
    widened = sorted(set(after.permitted_recipients) - set(before.permitted_recipients))
    if widened:
        return (
            "the rule change would let assets pass to "
            + ", ".join(r.value for r in widened)
            + ", weakening the asset lock (asset_lock.permitted_recipients)"
        )
    return None
