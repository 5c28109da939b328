"""CLI commands that need Django: organisations, audit, the demo, and Django's own commands."""

from __future__ import annotations

import argparse
import os
import sys

from mutualise.cli import CommandError, setup_django


def register(subparsers) -> None:
    org = subparsers.add_parser("org", help="create and list organisations")
    org_sub = org.add_subparsers(dest="org_command", required=True, metavar="ACTION")
    from mutualise.constitution import available_models

    models = "".join(f"\n  {model}" for model in available_models())
    create = org_sub.add_parser(
        "create",
        help="found an organisation on a rulebook",
        description="Found an organisation on a model rulebook or on a rulebook file.",
        epilog=f"models (mutualise constitution explain MODEL says what each provides):{models}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = create.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", metavar="MODEL", help="a shipped model rulebook (listed below)")
    source.add_argument("--file", help="a rulebook YAML file")
    create.add_argument("--name", help="the organisation's name (default: the rulebook's)")
    create.add_argument("--slug", help="short name used in addresses")
    create.set_defaults(handler=org_create)
    listing = org_sub.add_parser("list", help="list organisations")
    listing.set_defaults(handler=org_list)

    audit = subparsers.add_parser("audit", help="check the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_sub.add_parser("verify", help="verify every organisation's hash chain")
    verify.add_argument("--org", help="only this organisation (slug)")
    verify.set_defaults(handler=audit_verify)

    demo = subparsers.add_parser("demo", help="load the demo organisation and serve it")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", default="8000")
    demo.add_argument("--no-serve", action="store_true", help="load the demo data only")
    demo.set_defaults(handler=run_demo)

    manage = subparsers.add_parser(
        "manage", help="run a Django management command (migrate, shell, ...)", add_help=False
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=run_manage)


def org_create(args) -> int:
    setup_django()
    from mutualise.constitution import RulebookError, available_models, load_file
    from mutualise.register import services

    try:
        if args.model:
            models = available_models()
            if args.model not in models:
                raise CommandError(
                    f"there is no model '{args.model}'; the models are: {', '.join(models)}"
                )
            name = args.name or load_file(models[args.model]).organisation.name
            org = services.create_from_model(
                model=args.model, name=name, slug=args.slug, actor="cli"
            )
        else:
            org = services.create_from_file(
                path=args.file, name=args.name, slug=args.slug, actor="cli"
            )
    except RulebookError as exc:
        raise CommandError(f"the rulebook has problems; nothing was created:\n{exc}") from exc
    except (services.OrganisationError, FileNotFoundError, KeyError) as exc:
        raise CommandError(str(exc).strip("'\"")) from exc
    print(f"created {org.slug}: {org.name} (constitution v{org.current_version.number})")
    return 0


def org_list(args) -> int:
    setup_django()
    from mutualise.register.models import Organisation

    for org in Organisation.objects.all():
        print(f"{org.slug}\t{org.name}\tconstitution v{org.current_version.number}")
    return 0


def audit_verify(args) -> int:
    setup_django()
    from mutualise.audit.services import verify
    from mutualise.register.models import Organisation

    organisations = Organisation.objects.order_by("pk")
    if args.org:
        organisations = organisations.filter(slug=args.org)
        if not organisations.exists():
            raise CommandError(f"no organisation '{args.org}'")
    broken = 0
    for organisation in organisations:
        result = verify(organisation)
        print(result)
        broken += not result.ok
    return 1 if broken else 0


def run_demo(args) -> int:
    setup_django()
    from mutualise.web import demo

    address = f"http://{args.host}:{args.port}/"
    info = demo.load()
    print(info.describe(address))
    if args.no_serve:
        return 0
    sys.stdout.flush()
    # A production-style server (gunicorn, static files by WhiteNoise), not Django's dev server.
    gunicorn = [sys.executable, "-m", "gunicorn", "mutualise.web.wsgi:application"]
    os.execv(
        sys.executable,
        [
            *gunicorn,
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
        ],
    )


def run_manage(args) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mutualise manage", *args.args])
    return 0
