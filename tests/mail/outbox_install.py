"""Drives a separate install for the outbox's worker tests (run as a script, in its own process
and database): `outbox_install.py setup N TASKS` records N messages and queues TASKS delivery
tasks; `outbox_install.py state` prints what the outbox holds."""

from __future__ import annotations

import json
import sys


def setup(n: int, tasks: int) -> dict:
    from django.db import transaction

    from mutualise.mail import services as mail
    from mutualise.mail.tasks import deliver
    from mutualise.register import services as register

    org = register.create_from_model(
        model="supporters-trust", name="Outbox Trust", slug="outbox", actor="test"
    )
    with transaction.atomic():
        for i in range(n):
            mail.send(
                organisation=org,
                to=f"voter{i}@example.org",
                template="elections/voting_code",
                context={"name": f"Voter {i}", "election": {"title": "Board"}, "vote_url": "u"},
                secrets={"code": f"CODE-{i}"},
                reason="voting-code",
            )
    for _ in range(tasks - 1):  # the commit queued one
        deliver.enqueue()
    return {"messages": n}


def state() -> dict:
    from django.db.models import Count

    from mutualise.mail.models import Message

    rows = Message.objects.values("status", "claimed_by").annotate(n=Count("pk"))
    return {
        "by_status": {
            s: sum(r["n"] for r in rows if r["status"] == s) for s in {r["status"] for r in rows}
        },
        "senders": sorted({r["claimed_by"] for r in rows if r["status"] == "sent"}),
        "lost": list(
            Message.objects.filter(last_error__contains="may have gone out").values_list(
                "to", flat=True
            )
        ),
    }


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "setup":
        print(json.dumps(setup(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(state()))
