"""The `mutualise` command.

Each subsystem adds its own subcommands through a `register(subparsers)` function; the pure
libraries' commands (count, constitution) never start Django, the others set it up on demand.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that contribute subcommands, in the order they appear in --help.
COMMAND_MODULES = [
    "mutualise.counting.cli",
    "mutualise.budgeting.cli",
    "mutualise.constitution.cli",
    "mutualise.commands",
    "mutualise.register.cli",
    "mutualise.elections.cli",
    "mutualise.meetings.cli",
    "mutualise.governance.cli",
    "mutualise.stake.cli",
    "mutualise.jobs.cli",
    "mutualise.mail.cli",
]

# A command that needs only its own module: `mutualise count` then loads no app (importing every
# app's CLI costs over a second, most of a whole count of 1,100 wards).
SINGLE_MODULE_COMMANDS = {"count": "mutualise.counting.cli"}


class CommandError(Exception):
    """A user-facing error: printed without a traceback, exit status 2."""


def setup_django() -> None:
    # why: the pure commands never start Django
    import os

    import django
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings")
    try:
        django.setup()
    except ImproperlyConfigured as exc:  # e.g. no real secret key: say so, no traceback
        raise CommandError(str(exc)) from exc


def build_parser(modules: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mutualise", description="Run a member-owned organisation by its own rules."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES if modules is None else modules:
        try:
            # why: each subcommand module, by name; an app not installed is skipped
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    only = SINGLE_MODULE_COMMANDS.get(words[0]) if words else None
    parser = build_parser(None if only is None else [only])
    args = parser.parse_args(words)
    try:
        return args.handler(args) or 0
    except CommandError as exc:
        print(f"mutualise: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # A setting found missing only when first used (e.g. the audit key at the first audit
        # write): one clear line, no traceback. Django is not imported here for the pure commands.
        if type(exc).__name__ != "ImproperlyConfigured":
            raise
        print(f"mutualise: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    # `python -m mutualise.cli` runs this file as `__main__`; the subcommands import
    # `mutualise.cli`, a second copy whose CommandError this copy's `except` would not catch
    # (a traceback instead of one line). Run the importable copy's main instead.
    from mutualise.cli import main as importable_main

    sys.exit(importable_main())
