"""Drives a separate install for the payment-round kill test (run as a script, in its own
process and database): `withdrawal_kill_install.py setup MEMBERS`, `... pay [PAUSE]` and
`... state`.

Every member holds GBP 1,000 since 2021 and asks on 6 January 2025 to withdraw GBP 100 (more
in all than the year's 10% allows, so the round scales every request back). `pay half` stops
inside the round's transaction once half the requests are paid (their movements written), and
`pay audited` once the round's audit event is written, the last step before the commit: each
prints "paused" and waits there to be killed."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date

SLUG = "kill-withdrawals"
ROUND = date(2025, 6, 1)


def setup(count: int) -> dict:
    from django.db import transaction

    from mutualise.register import services as register
    from mutualise.register.models import Member
    from mutualise.stake import services

    with transaction.atomic():
        org = register.create_from_model(
            model="community-energy-coop", name="Kill Withdrawals", slug=SLUG, actor="test"
        )
        constituency = org.constitution.constituencies[0].id
        joined = date(2021, 1, 1)
        Member.objects.bulk_create(
            Member(organisation=org, number=n, status=Member.Status.ADMITTED,
                   constituency_id=constituency, display_name=f"Member {n}",
                   address="1 High St", postcode="SW2 1AA", applied_on=joined,
                   admitted_on=joined)
            for n in range(1, count + 1)
        )  # fmt: skip
        for m in Member.objects.filter(organisation=org).order_by("number"):
            services.record_movement(org, m, "allotment", 100_000, on=date(2021, 6, 1))
            services.request_withdrawal(org, m, 10_000 + m.number, on=date(2025, 1, 6))
    return {"members": count}


def pay(pause: str) -> dict:
    from mutualise.audit import services as audit
    from mutualise.register.models import Organisation
    from mutualise.stake import services
    from mutualise.stake.services import withdrawals

    org = Organisation.objects.get(slug=SLUG)
    if pause == "half":
        original, calls = withdrawals._pay, []

        def paying(*args, **kwargs):
            original(*args, **kwargs)
            calls.append(1)
            if len(calls) == int(os.environ.get("KILL_AFTER", "1")):
                print("paused", flush=True)
                time.sleep(3600)

        withdrawals._pay = paying
    elif pause == "audited":
        original_record = audit.record

        def record(organisation, action, *args, **kwargs):
            result = original_record(organisation, action, *args, **kwargs)
            if action == "shares.withdrawals_paid":
                print("paused", flush=True)
                time.sleep(3600)
            return result

        audit.record = record
    print("paying", flush=True)
    try:
        paid = services.pay_withdrawals(org, on=ROUND, actor="board")
    except services.StakeError as exc:
        return {"refused": str(exc)}
    return {"paid": paid.paid_pence, "requests": len(paid.paid)}


def state() -> dict:
    from django.db.models import Sum

    from mutualise.audit.models import AuditEvent
    from mutualise.register.models import Organisation
    from mutualise.stake import services
    from mutualise.stake.models import Movement, ShareAccount, WithdrawalRequest

    org = Organisation.objects.get(slug=SLUG)
    withdrawn = Movement.objects.filter(organisation=org, kind="withdrawal")
    requests = WithdrawalRequest.objects.filter(organisation=org)
    return {
        "withdrawn": [withdrawn.count(), -(withdrawn.aggregate(s=Sum("amount_pence"))["s"] or 0)],
        "paid_on_requests": requests.aggregate(s=Sum("paid_pence"))["s"] or 0,
        "asked": requests.aggregate(s=Sum("amount_pence"))["s"],
        "balances": ShareAccount.objects.filter(organisation=org).aggregate(s=Sum("balance_pence"))[
            "s"
        ],  # fmt: skip
        "allotted": Movement.objects.filter(organisation=org, kind="allotment").aggregate(
            s=Sum("amount_pence")
        )["s"],  # fmt: skip
        # Rounds that paid something (a later round with the year spent pays nothing).
        "events": AuditEvent.objects.filter(
            organisation=org, action="shares.withdrawals_paid", data__paid__gt=0
        ).count(),
        "allowance": services.yearly_allowance(org, ROUND),
        "ledger_problems": len(services.verify_ledger(org)),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings")
    import django

    django.setup()
    command = sys.argv[1]
    if command == "setup":
        print(json.dumps(setup(int(sys.argv[2]))))
    elif command == "pay":
        print(json.dumps(pay(sys.argv[2] if len(sys.argv) > 2 else "")))
    else:
        print(json.dumps(state()))
