"""`mutualise election ...`: what a returning officer does from a terminal.

ELECTION is the election's number (shown by `mutualise election list`)."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from mutualise.cli import CommandError, setup_django


def register(subparsers) -> None:
    election = subparsers.add_parser("election", help="run elections: codes, steps, ballots")
    sub = election.add_subparsers(dest="election_command", required=True, metavar="ACTION")

    listing = sub.add_parser("list", help="list elections and their states")
    listing.add_argument("--org", help="only this organisation (slug)")
    listing.set_defaults(handler=list_elections)

    export = sub.add_parser("export-ballots", help="write the anonymised ballots (after declaring)")
    export.add_argument("election", type=int, metavar="ELECTION")
    export.add_argument("--format", choices=["blt", "csv"], default="blt")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.set_defaults(handler=export_ballots)

    step = sub.add_parser("step", help="move an election on: publish_notice, open_poll, count ...")
    step.add_argument("election", type=int, metavar="ELECTION")
    step.add_argument("name", metavar="STEP")
    step.set_defaults(handler=run_step)

    status = sub.add_parser("status", help="the state, timetable and what may happen next")
    status.add_argument("election", type=int, metavar="ELECTION")
    status.set_defaults(handler=show_status)

    codes = sub.add_parser(
        "issue-codes",
        help="issue voting codes (returning officer): poll cards as a PDF, or a mail-merge CSV",
    )
    codes.add_argument("election", type=int, metavar="ELECTION")
    codes.add_argument(
        "--as",
        dest="user",
        required=True,
        metavar="USERNAME",
        help="the returning officer's user name (only they may issue codes)",
    )
    codes.add_argument("--pdf", help="where to write the poll cards")
    codes.add_argument("--csv", help="where to write name, address and code, a row per voter")
    codes.add_argument(
        "--replace-all",
        action="store_true",
        help="void every code of a voter who has not voted and issue a fresh set",
    )
    codes.add_argument("--vote-url", default="", help="the voting page's address, for the cards")
    codes.set_defaults(handler=issue_codes)

    email = sub.add_parser(
        "email-codes",
        help="email a voting code to every voter with an email address and none yet"
        " (returning officer); runs here with progress, or --no-wait for the worker",
    )
    email.add_argument("election", type=int, metavar="ELECTION")
    email.add_argument("--as", dest="user", required=True, metavar="USERNAME")
    email.add_argument("--vote-url", default="", help="the voting page's address, for the mail")
    email.add_argument("--no-wait", action="store_true", help="leave the job to the worker")
    email.add_argument("--quiet", action="store_true", help="no progress bar")
    email.set_defaults(handler=email_codes)


def _election(number: int):
    # why: after setup_django: --help loads no app
    from .models import Election

    try:
        return Election.objects.select_related("organisation").get(pk=number)
    except Election.DoesNotExist:
        raise CommandError(f"no election {number}; see `mutualise election list`") from None


def list_elections(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from .models import Election

    elections = Election.objects.select_related("organisation").order_by("pk")
    if args.org:
        elections = elections.filter(organisation__slug=args.org)
    for e in elections:
        print(f"{e.pk}\t{e.organisation.slug}\t{e.state}\t{e.close_of_poll}\t{e.title}")
    return 0


def export_ballots(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from . import tally
    from .lifecycle import State

    election = _election(args.election)
    if election.state != State.DECLARED:
        raise CommandError(
            f"election {election.pk} is '{election.get_state_display()}': ballots are "
            "published once the result is declared"
        )
    text = tally.ballots_blt(election) if args.format == "blt" else tally.ballots_csv(election)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def run_step(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from . import lifecycle, services

    election = _election(args.election)
    if args.name not in lifecycle.BY_NAME:
        raise CommandError(f"unknown step '{args.name}'; steps: {', '.join(lifecycle.BY_NAME)}")
    try:
        election = services.transition(election, args.name, actor="cli")
    except services.ElectionError as exc:
        raise CommandError(str(exc)) from None
    print(f"election {election.pk}: {election.get_state_display()}")
    return 0


def show_status(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from . import lifecycle, services

    election = _election(args.election)
    print(f"{election.title}: {election.get_state_display()}, {election.vacancies} seats")
    for name, moment in services.timetable(election).steps():
        print(f"  {name.replace('_', ' '):28} {moment:%Y-%m-%d %H:%M %Z}")
    for transition, allowed, reason in lifecycle.available(services.facts(election)):
        print(f"  next: {transition.name:20} {'ready' if allowed else 'not yet: ' + reason}")
    return 0


def _user(username: str):
    # why: after setup_django: --help loads no app
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--as: no user '{username}'")
    return user


def _owner_only(path: str, mode: str, **kwargs):
    """A file for plain voting codes, readable and writable by its owner alone (0600, an
    existing file narrowed to it before it is emptied), whatever the umask: on a shared server
    the umask's usual 0644 would give every voter's code to every local account."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.ftruncate(fd, 0)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def issue_codes(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from . import mailmerge, pdf, services

    if not args.pdf and not args.csv:
        raise CommandError("say where to write the codes: --pdf FILE, --csv FILE, or both")
    election = _election(args.election)
    actor = _user(args.user)
    # Open the files first: a code issued but not written would be lost (only its hash is kept).
    try:
        csv_file = _owner_only(args.csv, "w", encoding="utf-8", newline="") if args.csv else None
        pdf_file = _owner_only(args.pdf, "wb") if args.pdf else None
    except OSError as exc:
        raise CommandError(f"cannot write {exc.filename}: {exc.strerror}") from None
    with contextlib.ExitStack() as files:
        for handle in (csv_file, pdf_file):
            if handle is not None:
                files.enter_context(handle)
        try:
            issued = mailmerge.issue_for_print(election, actor=actor, replace_all=args.replace_all)
        except services.ElectionError as exc:
            raise CommandError(str(exc)) from None
        written = []
        if csv_file is not None:
            csv_file.write(mailmerge.codes_csv(issued))
            written.append(f"mail-merge file {args.csv}")
        if pdf_file is not None:
            pdf_file.write(pdf.poll_cards(election, issued, vote_url=args.vote_url))
            written.append(f"poll cards {args.pdf}")
    print(f"{len(issued)} voting codes issued; written: {', '.join(written)}")
    return 0


def email_codes(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.jobs import terminal
    from mutualise.jobs.worker import run_one

    from . import services

    election = _election(args.election)
    actor = _user(args.user)
    try:
        job = services.email_credentials(election, actor=actor, vote_url=args.vote_url)
    except services.ElectionError as exc:
        raise CommandError(str(exc)) from None
    if args.no_wait:
        print(f"job {job.pk} queued: {job.total} voters to email; `mutualise worker` runs it")
        return 0
    job = terminal.follow(job, work=lambda: run_one(job.task_id), quiet=args.quiet)
    if job.state != "done":
        raise CommandError(f"job {job.pk} {job.state}: {job.error or 'see the worker'}")
    result = job.result
    unusable = result.get("unusable_addresses", 0)
    print(
        f"{result.get('emailed', 0)} voting codes issued and put in the outbox"
        + (f"; {unusable} addresses could not be used" if unusable else "")
        + "; the worker sends them (or now: mutualise mail send)"
    )
    return 0
