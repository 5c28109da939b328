"""`mutualise worker`: run the queued long work (imports, mail, reminders), and `mutualise jobs`."""

from __future__ import annotations

import argparse
import logging
import math
import sys

from mutualise.cli import setup_django


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds (0 or more)")
    return value


def _count(text: str) -> int:
    if not (text.isdecimal() and int(text) > 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number above 0")
    return int(text)


def _queues(text: str) -> str:
    if not all(name.strip() for name in text.split(",")):
        raise argparse.ArgumentTypeError(f"'{text}' has an empty queue name")
    return text


def register(subparsers) -> None:
    worker = subparsers.add_parser(
        "worker", help="run queued work (imports, mail, reminders) until stopped"
    )
    worker.add_argument("--interval", type=_seconds, default=1.0, help="seconds between looks")
    worker.add_argument("--batch", action="store_true", help="run what is queued, then stop")
    worker.add_argument("--max-tasks", type=_count, default=None)
    worker.add_argument(
        "--queues", type=_queues, default="*", help="comma-separated queue names (default all)"
    )
    worker.add_argument(
        "--stale-after",
        type=_count,
        default=15 * 60,
        help="seconds without progress after which another machine's task counts as lost",
    )
    worker.set_defaults(handler=run)
    listing = subparsers.add_parser(
        "jobs", help="the latest long work and how far it has got; --follow ID to watch one"
    )
    listing.add_argument("--organisation", "--org", default="", help="an organisation's slug")
    listing.add_argument("--limit", type=_count, default=20)
    listing.add_argument("--follow", type=int, default=None, metavar="ID",
                         help="follow one job's progress until it ends (exit 1 if it fails)")  # fmt: skip
    listing.set_defaults(handler=show_jobs)


def bar(job, width: int = 30) -> str:
    """`[#########.....]  45%  450 of 1000 rows` for a terminal (no colour, no library)."""
    filled = width * job.percent // 100
    counts = f"{job.done} of {job.total} {job.unit}" if job.total else job.get_state_display()
    return f"[{'#' * filled}{'.' * (width - filled)}] {job.percent:3d}%  {counts}"


def show_jobs(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from .models import Job
    from .services import live

    if args.follow is not None:
        # why: after setup_django: --help loads no app
        from . import terminal

        job = Job.objects.filter(pk=args.follow).first()
        if job is None:
            print(f"mutualise jobs: there is no job {args.follow}", file=sys.stderr)
            return 2
        job = terminal.follow(job, interval=1.0)
        print(f"{job.label}: {job.get_state_display().lower()}")
        if job.error:
            print(job.error, file=sys.stderr)
        return 0 if job.state == "done" else 1
    jobs = Job.objects.select_related("organisation").order_by("-pk")
    if args.organisation:
        organisations = Job._meta.get_field("organisation").related_model.objects  # layers
        if not organisations.filter(slug=args.organisation).exists():
            print(
                f"mutualise jobs: there is no organisation '{args.organisation}'", file=sys.stderr
            )
            return 2
        jobs = jobs.filter(organisation__slug=args.organisation)
    for job in jobs[: args.limit]:
        live(job)
        where = job.organisation.slug if job.organisation else "(install)"
        print(f"{job.pk:>6}  {job.state:<8} {where:<20} {job.label[:40]:<40} {bar(job, 20)}")
    return 0


def run(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.jobs.worker import run_worker

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("worker %(asctime)s %(levelname)s %(message)s"))
    for name in ("mutualise.jobs", "django_tasks", "django_tasks_db"):
        log = logging.getLogger(name)
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    run_worker(
        interval=args.interval,
        batch=args.batch,
        max_tasks=args.max_tasks,
        queues=args.queues,
        stale_after=args.stale_after,
    )
    return 0
