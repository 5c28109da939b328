"""The asset lock, enforced: who the organisation's assets may pass to, and which rule changes a
lock forbids. A statutory lock (a community benefit society's under SI 2006/264, a CIC's) and any
lock the rulebook marks `removable: false` cannot be removed or weakened by amending the rules."""

from __future__ import annotations

from enum import StrEnum

from .schema import AssetLockKind, Constitution, Recipient

STATUTORY = (AssetLockKind.CBS_STATUTORY, AssetLockKind.CIC)


class Purpose(StrEnum):
    """What a payment out of the organisation's assets, or a dissolution's residue, is for."""

    CREDITOR = "creditor"  # paying a debt the organisation owes
    SHARE_CAPITAL = "share-capital"  # repaying a member's share capital, at most paid up
    COMMUNITY_BENEFIT = "community-benefit"
    LOCKED_BODY = "locked-body"  # to another asset-locked body (asset_lock.permitted_recipients)
    FULL_VALUE = "full-value"  # a disposal for its full value (a CIC's lock allows it)
    # A deceased member's shares paid to their nominee or personal representatives (SI 2006/264
    # Sch.1 para 2(c): payments under CCBSA 2014 ss.37-40 and on intestacy), at most paid up.
    ON_DEATH = "on-death"
    # A bankrupt member's shares paid to the trustee of their property under the society's
    # rules (SI 2006/264 Sch.1 para 2(d)), at most paid up.
    BANKRUPTCY = "bankruptcy"


# Paying a member's own share capital out, to them or to whoever stands in their place: every
# lock permits it, but never above the capital paid up (no premium, no share of the reserves).
MEMBERS_CAPITAL = {
    Purpose.SHARE_CAPITAL: "repaying share capital",
    Purpose.ON_DEATH: "a payment of a deceased member's shares",
    Purpose.BANKRUPTCY: "a payment of a bankrupt member's shares to their trustee",
}


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


def payment_refusal(
    c: Constitution,
    purpose: Purpose | str,
    *,
    amount_pence: int,
    recipient: Recipient | str | None = None,
    paid_up_pence: int | None = None,
    dissolution: bool = False,
) -> str | None:
    """Why a payment out (with `dissolution`, one made in winding up) may not be made for
    this purpose, or None if the lock permits it. SI 2006/264 Sch.1 lets a locked society pay its
    creditors, repay share capital (to the member, or on their death or bankruptcy to whoever
    claims in their place, at most paid up), act for community benefit, or pass assets to a
    locked body; a
    CIC may part with assets only at full value, to a locked body or for community benefit."""
    lock = c.asset_lock
    try:
        why = Purpose(purpose)
    except ValueError:
        known = ", ".join(p.value for p in Purpose)
        return f"unknown purpose {purpose!r}; purposes are {known}"
    if why in MEMBERS_CAPITAL:
        what = MEMBERS_CAPITAL[why]
        if paid_up_pence is None:
            return f"{what} needs the member's share account (paid-up value)"
        if amount_pence > paid_up_pence:
            return (
                f"{what} is limited to its paid-up value: the member holds "
                f"{paid_up_pence}p, not {amount_pence}p"
            )
    if lock.kind is AssetLockKind.NONE:
        return None
    if dissolution and why is Purpose.FULL_VALUE:
        # in winding up, creditors and members' capital are paid; the residue is locked
        return (
            f"on dissolution under the {lock.kind} asset lock, after creditors and share "
            "capital the residue goes only for community benefit or to an asset-locked body, "
            "not for value"
        )
    if why is Purpose.LOCKED_BODY:
        if recipient is None:
            return "a transfer to an asset-locked body must name the kind of body"
        return transfer_refusal(c, recipient)
    if why is Purpose.COMMUNITY_BENEFIT:
        return transfer_refusal(c, Recipient.COMMUNITY_BENEFIT)
    if why is Purpose.FULL_VALUE and lock.kind is not AssetLockKind.CIC:
        return (
            f"the {lock.kind} asset lock does not permit parting with assets for value alone; "
            "only a CIC's lock does (its assets pass only at full value, to a locked body or "
            "for community benefit)"
        )
    return None  # a creditor, or a member's capital at most paid up: every lock permits them


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
