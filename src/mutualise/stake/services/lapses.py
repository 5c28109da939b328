"""A withdrawal request asks the society to buy back shares the member holds. When shares leave
the holding another way before the request is paid (forfeited, cancelled on cessation, settled
on death, transferred), the request can no longer be met for them: it lapses, in part or whole,
in the same transaction as the movement, newest request first, with its reason audited. So what
a member's waiting requests ask for is never more than they hold, and a payment round never
meets a request it cannot pay."""

from __future__ import annotations

from mutualise.audit import services as audit

from ..models import ShareAccount, WithdrawalRequest

State = WithdrawalRequest.State


def lapse_uncovered(organisation, account: ShareAccount, reason: str, *, actor=None) -> dict:
    """Inside the caller's transaction, with `account` locked and its balance current: cut the
    member's waiting requests, newest first, until they ask for no more than is held. Returns
    {request id: pence lapsed}."""
    waiting = list(
        WithdrawalRequest.objects.select_for_update()
        .filter(organisation=organisation, member_id=account.member_id, state=State.WAITING)
        .order_by("-requested_on", "-id")
    )
    excess = sum(r.outstanding_pence for r in waiting) - account.balance_pence
    lapsed = {}
    for request in waiting:
        if excess <= 0:
            break
        cut = min(excess, request.outstanding_pence)
        excess -= cut
        request.lapsed_pence += cut
        request.lapse_reason = reason[:300]
        if request.outstanding_pence == 0:
            request.state = State.LAPSED
        request.save(update_fields=["lapsed_pence", "lapse_reason", "state"])
        lapsed[request.pk] = cut
        audit.record(
            organisation,
            "shares.withdrawal_lapsed",
            actor=actor,
            subject=request,
            data={
                "member": account.member.number,
                "lapsed": cut,
                "still_asked": request.outstanding_pence,
                "held": account.balance_pence,
                "reason": reason,
            },
        )
    return lapsed
