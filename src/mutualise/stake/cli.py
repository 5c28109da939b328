"""`mutualise shares register --org SLUG --format csv|xlsx [--duplicate]`: the s.30 register
(the duplicate omits holdings); `mutualise shares interest --org SLUG --rate R --period
START:END [--post] --format json`: interest per day held, previewed or posted."""

from __future__ import annotations

import json
import sys
from datetime import date

from mutualise.cli import CommandError, setup_django


def register(subparsers) -> None:
    shares = subparsers.add_parser("shares", help="members' shares: the register and interest")
    sub = shares.add_subparsers(dest="shares_command", required=True, metavar="ACTION")
    reg = sub.add_parser("register", help="the register of members and shares (s.30)")
    reg.add_argument("--org", required=True, help="organisation slug")
    reg.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    reg.add_argument("--duplicate", action="store_true", help="the inspection copy: no holdings")
    reg.add_argument("--output", "-o", help="file to write (xlsx needs one unless piped)")
    reg.set_defaults(handler=run_register)
    interest = sub.add_parser("interest", help="interest on shares per day held")
    interest.add_argument("--org", required=True, help="organisation slug")
    interest.add_argument("--rate", required=True, help="yearly rate, e.g. 3%% or 0.03")
    interest.add_argument("--period", required=True, help="START:END, YYYY-MM-DD:YYYY-MM-DD")
    interest.add_argument("--post", action="store_true", help="credit it (otherwise a preview)")
    interest.add_argument("--format", choices=["json"], default="json")
    interest.set_defaults(handler=run_interest)


def _organisation(slug: str):
    from mutualise.register.models import Organisation

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"no organisation '{slug}'")
    return organisation


def _period(text: str) -> tuple[date, date]:
    try:
        start, end = text.split(":")
        return date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise CommandError(f"--period {text!r}: give START:END as YYYY-MM-DD:YYYY-MM-DD") from None


def run_register(args) -> int:
    setup_django()
    from mutualise.stake import exports
    from mutualise.stake.services import StakeError

    organisation = _organisation(args.org)
    try:
        if args.format == "csv":
            data = exports.register_csv(organisation, duplicate=args.duplicate).encode()
        else:
            data = exports.register_xlsx(organisation, duplicate=args.duplicate)
    except StakeError as exc:
        raise CommandError(str(exc)) from None
    if args.output:
        with open(args.output, "wb") as handle:
            handle.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def run_interest(args) -> int:
    setup_django()
    from mutualise.stake import services
    from mutualise.stake.services.interest import parse_rate

    organisation = _organisation(args.org)
    start, end = _period(args.period)
    try:
        rate = parse_rate(args.rate)
        if args.post:
            run, preview = services.post_interest(organisation, rate, start, end, actor="cli")
        else:
            run, preview = None, services.preview_interest(organisation, rate, start, end)
    except services.StakeError as exc:
        raise CommandError(str(exc)) from None
    out = preview.as_dict() | {"posted": run is not None}
    if run is not None:
        out["run"] = run.pk
    print(json.dumps(out, indent=2))
    return 0
