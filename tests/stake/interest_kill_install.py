"""Drives a separate install for the interest kill test (run as a script, in its own process
and database): `interest_kill_install.py setup MEMBERS`, `... post [PAUSE]` and `... state`.

`post credited` stops inside the posting's transaction once every part has been credited to the
accounts and recorded as movements (the one UPDATE ... FROM and its INSERTs), and `post audited`
once the run's audit event is written too, the last step before the commit: each prints
"paused" and waits there to be killed."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from fractions import Fraction

SLUG = "kill-energy"
RATE = Fraction(7, 100)
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


def setup(count: int) -> dict:
    from django.db import transaction

    from mutualise import clock
    from mutualise.register import services as register
    from mutualise.register.models import Member
    from mutualise.stake.models import Movement, ShareAccount

    with transaction.atomic():
        org = register.create_from_model(
            model="community-energy-coop", name="Kill Energy", slug=SLUG, actor="test"
        )
        constituency = org.constitution.constituencies[0].id
        joined = date(2024, 1, 1)
        Member.objects.bulk_create(
            Member(
                organisation=org,
                number=n,
                status=Member.Status.ADMITTED,
                constituency_id=constituency,
                display_name=f"Member {n}",
                address="1 High St",
                postcode="SW2 1AA",
                applied_on=joined,
                admitted_on=joined,
            )  # fmt: skip
            for n in range(1, count + 1)
        )
        members = Member.objects.filter(organisation=org).order_by("number")
        # 250 to 10,249 GBP each; every fifth member joins during the year (per day held).
        held = {m.pk: (25_000 + (m.number % 10_000) * 100, m.number) for m in members}
        ShareAccount.objects.bulk_create(
            ShareAccount(
                organisation=org,
                member_id=pk,
                balance_pence=pence,
                opened_on=date(2025, 1, 1 + number % 28) if number % 5 == 0 else joined,
            )  # fmt: skip
            for pk, (pence, number) in held.items()
        )
        Movement.objects.bulk_create(
            Movement(
                organisation=org,
                account=a,
                kind="allotment",
                amount_pence=a.balance_pence,
                balance_after_pence=a.balance_pence,
                on=a.opened_on,
                recorded_at=clock.now(),
                recorded_by="test",
                reference="opening",
                note="",
            )  # fmt: skip
            for a in ShareAccount.objects.filter(organisation=org)
        )
    return {"members": count}


def _pause_after(module, name: str) -> None:
    """Wrap module.name so that, once it has run, the process says so and waits to be killed."""
    original = getattr(module, name)

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        if name != "record" or args[1] == "shares.interest_posted":
            print("paused", flush=True)
            time.sleep(3600)
        return result

    setattr(module, name, paused)


def post(pause: str) -> dict:
    from mutualise.audit import services as audit
    from mutualise.register.models import Organisation
    from mutualise.stake import bulk, services

    if pause == "credited":
        _pause_after(bulk, "post_interest_parts")
    elif pause == "audited":
        _pause_after(audit, "record")
    print("posting", flush=True)
    org = Organisation.objects.get(slug=SLUG)
    try:
        run, preview = services.post_interest(org, RATE, *PERIOD, actor="board")
    except services.StakeError as exc:
        return {"refused": str(exc)}
    return {"run": run.pk, "total": preview.total_pence}


def state() -> dict:
    from django.db.models import Sum

    from mutualise.audit.models import AuditEvent
    from mutualise.register.models import Organisation
    from mutualise.stake import services
    from mutualise.stake.models import InterestPayment, InterestRun, Movement, ShareAccount

    org = Organisation.objects.get(slug=SLUG)
    credited = Movement.objects.filter(organisation=org, kind="interest")
    runs = list(InterestRun.objects.filter(organisation=org).values_list("pk", "total_pence"))
    preview = services.preview_interest(org, RATE, *PERIOD)
    return {
        "runs": runs,
        "expected_total": preview.total_pence,
        "expected_parts": len(preview.by_member),
        "credited": [credited.count(), credited.aggregate(s=Sum("amount_pence"))["s"] or 0],
        "paid_out": [
            InterestPayment.objects.filter(organisation=org).count(),
            InterestPayment.objects.filter(organisation=org).aggregate(s=Sum("amount_pence"))["s"]
            or 0,
        ],
        "events": AuditEvent.objects.filter(
            organisation=org, action="shares.interest_posted"
        ).count(),
        "balances": ShareAccount.objects.filter(organisation=org).aggregate(s=Sum("balance_pence"))[
            "s"
        ],
        "allotted": Movement.objects.filter(organisation=org, kind="allotment").aggregate(
            s=Sum("amount_pence")
        )["s"],
        "ledger_problems": len(services.verify_ledger(org)),
        "digest_matches": [
            services.posted_digest(run)
            == AuditEvent.objects.get(organisation=org, action="shares.interest_posted").data[
                "postings_sha256"
            ]
            for run in InterestRun.objects.filter(organisation=org)
        ],
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings")
    import django

    django.setup()
    command = sys.argv[1]
    if command == "setup":
        print(json.dumps(setup(int(sys.argv[2]))))
    elif command == "post":
        print(json.dumps(post(sys.argv[2] if len(sys.argv) > 2 else "")))
    else:
        print(json.dumps(state()))
