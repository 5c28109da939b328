"""`mutualise mail ...`: what the outbox holds, and sending what is due from a terminal (what
the worker does, for an install run without one, or to watch it happen)."""

from __future__ import annotations

from mutualise.cli import setup_django


def register(subparsers) -> None:
    mail = subparsers.add_parser("mail", help="the outbox: what was sent, send what waits")
    sub = mail.add_subparsers(dest="mail_command", required=True, metavar="ACTION")
    status = sub.add_parser("status", help="messages by state, and the latest failures")
    status.add_argument("--org", default="", help="one organisation's (its slug)")
    status.set_defaults(handler=show_status)
    send = sub.add_parser("send", help="send the mail that is due now, here, with progress")
    send.add_argument("--quiet", action="store_true", help="no progress bar")
    send.set_defaults(handler=send_due)


def show_status(args) -> int:
    setup_django()
    from django.db.models import Count

    from .models import Message, Status

    messages = Message.objects.all()
    if args.org:
        messages = messages.filter(organisation__slug=args.org)
    counts = dict(messages.values_list("status").annotate(n=Count("pk")))
    for value, label in Status.choices:
        print(f"{label:20} {counts.get(value, 0):>9,}")
    failed = messages.filter(status__in=[Status.FAILED, Status.BOUNCED]).order_by("-updated_at")
    for message in failed[:20]:
        print(f"  {message.get_status_display()}: {message.to} ({message.reason}): "
              f"{message.last_error}")  # fmt: skip
    return 0


def send_due(args) -> int:
    setup_django()
    from django.utils import timezone

    from mutualise.jobs import terminal

    from . import delivery
    from .models import Message, Status

    due = Message.objects.filter(status=Status.QUEUED, next_attempt_at__lte=timezone.now())
    total = due.count()
    totals = {"sent": 0, "bounced": 0, "failed": 0, "retried": 0}
    with terminal.bar(total, unit="messages", label="Sending", quiet=args.quiet) as shown:
        while True:
            outcome = delivery.deliver()
            for name in totals:
                totals[name] += getattr(outcome, name)
            shown.update(sum(totals.values()))
            if not outcome.due or not (outcome.sent or outcome.bounced or outcome.failed):
                break
    print(", ".join(f"{n} {name}" for name, n in totals.items()))
    if outcome.later is not None:
        print(f"the next retry is due at {timezone.localtime(outcome.later):%H:%M:%S %d %B}")
    return 0
