"""CLI commands that need Django: organisations, audit, the demo, and Django's own commands."""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import subprocess
import sys

from mutualise.cli import CommandError, setup_django
from mutualise.constitution import available_models


def register(subparsers) -> None:
    org = subparsers.add_parser("org", help="create and list organisations")
    org_sub = org.add_subparsers(dest="org_command", required=True, metavar="ACTION")
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
    sender = org_sub.add_parser(
        "mail-from", help="the address an organisation's mail comes from ('' for the install's)"
    )
    sender.add_argument("slug")
    sender.add_argument("address", help="e.g. 'Northshire FT <membership@northshire.example>'")
    sender.set_defaults(handler=org_mail_from)

    audit = subparsers.add_parser("audit", help="check the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_sub.add_parser("verify", help="verify every organisation's hash chain")
    verify.add_argument("--org", help="only this organisation (slug)")
    verify.add_argument(
        "--expect",
        action="append",
        default=[],
        metavar="SEQUENCE:HASH",
        help="a chain head published earlier (on a result notice); it must still be on the chain",
    )
    verify.set_defaults(handler=audit_verify)
    reseal = audit_sub.add_parser(
        "reseal", help="after rotating MUTUALISE_AUDIT_KEY, reseal every event under the new key"
    )
    reseal.add_argument("--org", help="only this organisation (slug)")
    reseal.set_defaults(handler=audit_reseal)

    demo = subparsers.add_parser("demo", help="load the demo organisations and serve them")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", default="8000")
    demo.add_argument("--no-serve", action="store_true", help="load the demo data only")
    demo.add_argument(
        "--code", metavar="USER", help="print a demo officer's current two-factor code and stop"
    )
    demo.set_defaults(handler=run_demo)

    manage = subparsers.add_parser(
        "manage", help="run a Django management command (migrate, shell, ...)", add_help=False
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=run_manage)


def org_create(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
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
    except (services.OrganisationError, KeyError) as exc:
        raise CommandError(str(exc).strip("'\"")) from exc
    except OSError as exc:  # missing, a directory, unreadable
        raise CommandError(f"{args.file}: {exc.strerror or exc}") from exc
    print(f"created {org.slug}: {org.name} (constitution v{org.current_version.number})")
    return 0


def org_list(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.register.models import Organisation

    for org in Organisation.objects.all():
        print(f"{org.slug}\t{org.name}\tconstitution v{org.current_version.number}")
    return 0


def org_mail_from(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.register import services

    (organisation,) = _organisations(args.slug)
    try:
        services.set_mail_from(organisation, args.address, actor="cli")
    except services.OrganisationError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"{organisation.slug}: mail comes from {organisation.mail_from or 'the install (MUTUALISE_EMAIL_FROM)'}"
    )
    return 0


def _organisations(slug):
    # why: after setup_django: --help loads no app
    from mutualise.register.models import Organisation

    organisations = Organisation.objects.order_by("pk")
    if slug:
        organisations = organisations.filter(slug=slug)
        if not organisations.exists():
            raise CommandError(f"no organisation '{slug}'")
    return organisations


def _published_heads(texts: list[str]) -> list[tuple[int, str]]:
    heads = []
    for text in texts:
        sequence, _, digest = text.strip().partition(":")
        if not sequence.isascii() or not sequence.isdigit() or len(digest) != 64:
            raise CommandError(f"--expect {text!r}: give SEQUENCE:HASH as printed on the notice")
        heads.append((int(sequence), digest.lower()))
    return heads


def audit_verify(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from django.core.exceptions import ImproperlyConfigured

    from mutualise.audit.services import verify

    heads = _published_heads(args.expect)
    if heads and not args.org:
        raise CommandError("--expect needs --org: a chain head belongs to one organisation")
    broken = 0
    try:
        for organisation in _organisations(args.org):
            result = verify(organisation, expect=heads)
            print(result)
            broken += not result.ok
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc
    return 1 if broken else 0


def audit_reseal(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from django.core.exceptions import ImproperlyConfigured

    from mutualise.audit.services import reseal

    broken = 0
    try:
        for organisation in _organisations(args.org):
            result = reseal(organisation)
            print(result if not result.ok else f"{organisation.slug}: resealed {result.checked}")
            broken += not result.ok
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc
    return 1 if broken else 0


def run_demo(args) -> int:
    # The demo is for trying the product out: its audit key may be a throwaway one under var/.
    os.environ.setdefault("MUTUALISE_AUDIT_THROWAWAY_KEY", "1")
    # The demo runs on throwaway keys (web/settings_dev.py) unless told otherwise.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings_dev")
    # Links in mail (invitations, claims, resets) go to this server, on whatever port it is
    # given; the web server and the worker inherit it.
    os.environ.setdefault("MUTUALISE_SITE_URL", f"http://{args.host}:{args.port}")
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise import demo

    try:
        demo.refuse_unless_allowed()  # before migrating a database that is not a demo's
    except demo.DemoRefused as exc:
        raise CommandError(str(exc)) from None
    if args.code:
        try:
            print(demo.current_code(args.code))
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        return 0
    if not args.no_serve:
        check_port_free(args.host, args.port)  # before minutes of loading, not after
    # A fresh database is migrated first (`make demo` does it too), never a traceback.
    # why: after setup_django: --help loads no app
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    address = f"http://{args.host}:{args.port}/"
    print(demo.load().describe(address))
    if args.no_serve:
        return 0
    sys.stdout.flush()
    # The worker (imports, mail, reminders) runs beside the web server and stops with it.
    worker = subprocess.Popen([sys.executable, "-m", "mutualise.cli", "worker"])
    # A production-style server (gunicorn, static files by WhiteNoise), not Django's dev server.
    gunicorn = [sys.executable, "-m", "gunicorn", "mutualise.web.wsgi:application"]
    server = subprocess.Popen(
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
            # Links carry tokens (invitations, password resets): the log masks them.
            "--logger-class",
            "mutualise.web.access_log.RedactingLogger",
        ]
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop both, as Ctrl+C does
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in (server, worker):
            if process.poll() is None:
                process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def check_port_free(host: str, port) -> None:
    """Say which port is taken and how to choose another, instead of gunicorn's traceback."""
    try:
        number = int(port)
        if not 0 < number < 65536:
            raise ValueError
    except ValueError:
        raise CommandError(f"--port {port!r}: give a port number from 1 to 65535") from None
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, number))
        except OSError as exc:
            busy = exc.errno in (errno.EADDRINUSE, errno.EACCES)
            what = (
                "is already in use (is another server running?)"
                if busy
                else f"cannot be used: {exc.strerror}"
            )
            raise CommandError(
                f"port {number} on {host} {what}. Choose another port: "
                f"PORT={number + 1} make demo, or mutualise demo --port {number + 1}"
            ) from None


def run_manage(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mutualise manage", *args.args])
    return 0
