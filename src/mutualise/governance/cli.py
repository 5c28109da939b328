"""`mutualise health SLUG`: the governance health check (exit 1 on any serious finding);
`mutualise health --all` for every organisation on the install; `mutualise officers SLUG`:
the s.30(3) register of officers."""

from __future__ import annotations

import json
import textwrap

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
    officers = subparsers.add_parser("officers", help="the register of officers (s.30(3))")
    officers.add_argument("slug", help="organisation slug")
    officers.add_argument("--all", action="store_true", help="past officers too")
    officers.set_defaults(handler=list_officers)


def _organisation(slug: str):
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
    from mutualise.governance import services

    organisation = _organisation(args.slug)
    for row in services.officers_register(organisation):
        if row["to"] is not None and not args.all:
            continue
        until = row["to"].isoformat() if row["to"] else "now"
        address = " ".join(row["address"].split())
        print(f"{row['name']}\t{row['office']}\t{row['how']}\t{row['from']}..{until}\t{address}")
    return 0
