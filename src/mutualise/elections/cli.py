"""`mutualise election ...`: what a returning officer does from a terminal.

ELECTION is the election's number (shown by `mutualise election list`)."""

from __future__ import annotations

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

    codes = sub.add_parser("issue-codes", help="issue voting codes; write poll cards as a PDF")
    codes.add_argument("election", type=int, metavar="ELECTION")
    codes.add_argument("--pdf", required=True, help="where to write the poll cards")
    codes.add_argument("--vote-url", default="", help="the voting page's address, for the cards")
    codes.set_defaults(handler=issue_codes)


def _election(number: int):
    from .models import Election

    try:
        return Election.objects.select_related("organisation").get(pk=number)
    except Election.DoesNotExist:
        raise CommandError(f"no election {number}; see `mutualise election list`") from None


def list_elections(args) -> int:
    setup_django()
    from .models import Election

    elections = Election.objects.select_related("organisation").order_by("pk")
    if args.org:
        elections = elections.filter(organisation__slug=args.org)
    for e in elections:
        print(f"{e.pk}\t{e.organisation.slug}\t{e.state}\t{e.close_of_poll}\t{e.title}")
    return 0


def export_ballots(args) -> int:
    setup_django()
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
    from . import lifecycle, services

    election = _election(args.election)
    print(f"{election.title}: {election.get_state_display()}, {election.vacancies} seats")
    for name, moment in services.timetable(election).steps():
        print(f"  {name.replace('_', ' '):28} {moment:%Y-%m-%d %H:%M %Z}")
    for transition, allowed, reason in lifecycle.available(services.facts(election)):
        print(f"  next: {transition.name:20} {'ready' if allowed else 'not yet: ' + reason}")
    return 0


def issue_codes(args) -> int:
    setup_django()
    from . import pdf, services

    election = _election(args.election)
    try:
        issued = services.issue_credentials(election, actor="cli")
    except services.ElectionError as exc:
        raise CommandError(str(exc)) from None
    Path(args.pdf).write_bytes(pdf.poll_cards(election, issued, vote_url=args.vote_url))
    print(f"{len(issued)} voting codes issued; poll cards written to {args.pdf}")
    return 0
