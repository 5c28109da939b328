"""`mutualise worker`: run the queued long work (imports, mail, reminders), and `mutualise jobs`."""

from __future__ import annotations

import logging
import sys

from mutualise.cli import setup_django


def register(subparsers) -> None:
    worker = subparsers.add_parser(
        "worker", help="run queued work (imports, mail, reminders) until stopped"
    )
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between looks")
    worker.add_argument("--batch", action="store_true", help="run what is queued, then stop")
    worker.add_argument("--max-tasks", type=int, default=None)
    worker.add_argument("--queues", default="*", help="comma-separated queue names (default all)")
    worker.add_argument(
        "--stale-after",
        type=int,
        default=15 * 60,
        help="seconds without progress after which another machine's task counts as lost",
    )
    worker.set_defaults(handler=run)


def run(args) -> int:
    setup_django()
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
