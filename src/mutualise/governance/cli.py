"""`mutualise health SLUG`: the governance health check (exit 1 on any serious finding);
`mutualise health --all` for every organisation on the install; `mutualise officers SLUG`:
the s.30(3) register of officers."""

from __future__ import annotations

import json
import textwrap
from datetime import date

from mutualise.cli import CommandError, setup_django


def register(subparsers) -> None:
    health = subparsers.add_parser(
        "health", help="is it run as its rules say? the governance health check"
    )
    health.add_argument("slug", nargs="?", help="organisation slug")
    health.add_argument("--all", action="store_true", help="every organisation, worst first")
    health.add_argument("--format", choices=["text", "json"], default="text")
    health.add_argument(
        "--store", action="store_true", help="keep the result as the latest report (daily run)"
    )
    health.set_defaults(handler=run_health)
    officers = subparsers.add_parser(
        "officers", help="the register of office holders: list, appoint, end"
    )
    sub = officers.add_subparsers(dest="officers_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="the register of officers (s.30(3))")
    listing.add_argument("slug", help="organisation slug")
    listing.add_argument("--all", action="store_true", help="past officers too")
    listing.set_defaults(handler=list_officers)
    appoint = sub.add_parser("appoint", help="record an appointment, co-option or ex-officio seat")
    appoint.add_argument("slug", help="organisation slug")
    appoint.add_argument("--body", required=True, help="body id in the rulebook, e.g. board")
    seat = appoint.add_mutually_exclusive_group(required=True)
    seat.add_argument("--seat", help="seat group id")
    seat.add_argument("--office", help="office id, e.g. chair")
    appoint.add_argument(
        "--how", default="appointed", choices=["appointed", "co-opted", "ex-officio"]
    )
    appoint.add_argument("--by", required=True, help="the appointing body or person")
    appoint.add_argument("--on", required=True, help="date of the decision, YYYY-MM-DD")
    appoint.add_argument("--until", help="when the term ends, YYYY-MM-DD")
    who = appoint.add_mutually_exclusive_group(required=True)
    who.add_argument("--member", type=int, help="membership number")
    who.add_argument("--name", help="the holder's name (not a member)")
    appoint.add_argument("--address", default="", help="address for the officers' register")
    appoint.set_defaults(handler=appoint_holder)
    end = sub.add_parser("end", help="end a holding (resigned, removed, disqualified, ...)")
    end.add_argument("holding", type=int, help="holding id (from officers list)")
    end.add_argument("--on", required=True, help="first day no longer held, YYYY-MM-DD")
    end.add_argument("--reason", required=True)
    end.set_defaults(handler=end_holder)


def _organisation(slug: str):
    # why: after setup_django: --help loads no app
    from mutualise.register.models import Organisation

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"no organisation '{slug}'")
    return organisation


def _text(findings) -> str:
    if not findings:
        return "No findings: run as its rules say, as far as mutualise can tell.\n"
    out = []
    for f in findings:
        out.append(f"{f.id} [{f.severity}] " + f.statement)
        for label, value in (("Rule", f.rule), ("Do", f.action)):
            out.append(
                textwrap.fill(
                    f"{label}: {value}", 96, initial_indent="    ", subsequent_indent="      "
                )
            )
    return "\n".join(out) + "\n"


def run_health(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.governance import checks, services
    from mutualise.register.models import Organisation

    if args.all == bool(args.slug):
        raise CommandError("give an organisation slug, or --all")
    if args.all:
        if args.store:
            services.run_daily()
        organisations = {o.pk: o for o in Organisation.objects.all()}
        results = services.health_all(organisations.values())
        ranked = sorted(
            results.items(),
            key=lambda item: (-_serious(item[1]), -len(item[1]), organisations[item[0]].slug),
        )
        if args.format == "json":
            print(
                json.dumps(
                    {organisations[k].slug: [f.as_dict() for f in v] for k, v in ranked}, indent=2
                )
            )
        else:
            for pk, findings in ranked:
                print(
                    f"{organisations[pk].slug}: {_serious(findings)} serious, "
                    f"{len(findings) - _serious(findings)} other"
                )
        return 1 if any(checks.serious(v) for v in results.values()) else 0
    organisation = _organisation(args.slug)
    findings = services.check_organisation(organisation, store=args.store, actor="cli")
    if args.format == "json":
        print(
            json.dumps(
                {"organisation": organisation.slug, "findings": [f.as_dict() for f in findings]},
                indent=2,
            )
        )
    else:
        print(f"{organisation.name}: {len(findings)} finding(s)")
        print(_text(findings), end="")
    return 1 if checks.serious(findings) else 0


def _serious(findings) -> int:
    return sum(1 for f in findings if f.severity == "serious")


def list_officers(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.governance import services

    organisation = _organisation(args.slug)
    for row in services.officers_register(organisation):
        if row["to"] is not None and not args.all:
            continue
        until = row["to"].isoformat() if row["to"] else "now"
        address = " ".join(row["address"].split())
        print(
            f"{row['id']}\t{row['name']}\t{row['office']}\t{row['how']}\t{row['from']}..{until}\t{address}"
        )
    return 0


def _date(text: str | None, flag: str):
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{flag}: '{text}' is not a date such as 2026-04-01") from None


def appoint_holder(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.governance import services
    from mutualise.register.models import Member

    organisation = _organisation(args.slug)
    member = None
    if args.member is not None:
        member = Member.objects.filter(organisation=organisation, number=args.member).first()
        if member is None:
            raise CommandError(f"--member: no member {args.member} in '{args.slug}'")
    try:
        holding = services.appoint(
            organisation,
            body_id=args.body,
            seat_group_id=args.seat or "",
            office_id=args.office or "",
            how=args.how,
            chosen_by=args.by,
            decided_on=_date(args.on, "--on"),
            ends_on=_date(args.until, "--until"),
            member=member,
            holder_name=args.name or "",
            address=args.address,
            actor="cli",
        )
    except services.GovernanceError as exc:
        raise CommandError(str(exc)) from None
    print(f"recorded holding {holding.pk}: {holding}")
    return 0


def end_holder(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.governance import services
    from mutualise.governance.models import OfficeHolding

    holding = OfficeHolding.objects.filter(pk=args.holding).first()
    if holding is None:
        raise CommandError(f"no holding {args.holding}")
    try:
        services.end_holding(holding, on=_date(args.on, "--on"), reason=args.reason, actor="cli")
    except services.GovernanceError as exc:
        raise CommandError(str(exc)) from None
    print(f"ended holding {holding.pk} on {args.on}")
    return 0
