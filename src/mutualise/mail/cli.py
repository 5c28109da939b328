"""`mutualise mail ...`: what the outbox holds, and sending what is due from a terminal (what
the worker does, for an install run without one, or to watch it happen)."""

from __future__ import annotations

import os

from mutualise.cli import CommandError, setup_django


def register(subparsers) -> None:
    mail = subparsers.add_parser("mail", help="the outbox: what was sent, send what waits")
    sub = mail.add_subparsers(dest="mail_command", required=True, metavar="ACTION")
    status = sub.add_parser("status", help="messages by state, and the latest failures")
    status.add_argument("--org", default="", help="one organisation's (its slug)")
    status.set_defaults(handler=show_status)
    send = sub.add_parser("send", help="send the mail that is due now, here, with progress")
    send.add_argument("--quiet", action="store_true", help="no progress bar")
    send.set_defaults(handler=send_due)
    read = sub.add_parser(
        "read-bounces",
        help="read delivery status notifications: the addresses they report are marked bouncing",
        description="Read the bounces (RFC 3464 delivery status notifications) delivered to the "
        "install's bounce address: a maildir (MUTUALISE_BOUNCE_MAILDIR by default; each message "
        "read is marked seen) or an mbox file (reading it again changes nothing).",
    )
    source = read.add_mutually_exclusive_group()
    source.add_argument("--maildir", help="a maildir folder (with cur/, new/, tmp/)")
    source.add_argument("--mbox", help="an mbox file")
    read.set_defaults(handler=read_bounces)
    listing = sub.add_parser("bounces", help="the addresses that bounce")
    listing.add_argument("--org", default="", help="one organisation's (its slug)")
    listing.set_defaults(handler=show_bounces)


def show_status(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
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
    # why: after setup_django: --help loads no app
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


def read_bounces(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from django.conf import settings

    from . import bounces

    maildir = args.maildir or (None if args.mbox else settings.MUTUALISE_BOUNCE_MAILDIR)
    if not maildir and not args.mbox:
        raise CommandError(
            "say where the bounces are: --maildir, --mbox or MUTUALISE_BOUNCE_MAILDIR"
        )
    path = maildir or args.mbox
    if not os.path.exists(path) or (maildir and not os.path.isdir(os.path.join(path, "new"))):
        what = "maildir (a folder with cur/, new/ and tmp/)" if maildir else "mbox file"
        raise CommandError(f"{path}: no such {what}")
    outcome = bounces.read_maildir(maildir) if maildir else bounces.read_mbox(args.mbox)
    print(
        f"{outcome.messages} message{'s' if outcome.messages != 1 else ''} read, "
        f"{outcome.reports} delivery report{'s' if outcome.reports != 1 else ''}: "
        f"{len(outcome.bounced)} address{'es' if len(outcome.bounced) != 1 else ''} marked "
        f"bouncing, {outcome.already} already recorded, {outcome.unmatched} not ours"
    )
    for address in outcome.bounced:
        print(f"  bouncing: {address}")
    return 0


def show_bounces(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from .models import Bounce

    rows = Bounce.objects.filter(cleared_at__isnull=True).select_related("organisation")
    if args.org:
        rows = rows.filter(organisation__slug=args.org)
    for row in rows:
        where = row.organisation.slug if row.organisation else "(install)"
        print(f"{where:20} {row.address:40} {row.status:8} {row.last_at:%Y-%m-%d} "
              f"x{row.count} {row.diagnostic[:60]}")  # fmt: skip
    return 0
