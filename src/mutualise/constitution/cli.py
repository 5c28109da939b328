"""`mutualise constitution check|explain`: validate rulebooks and tell them in plain English."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from . import Constitution, available_models, explain, load_file, model_path
from .load import RulebookError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "constitution", help="check or explain rulebooks", description=__doc__
    )
    commands = parser.add_subparsers(dest="constitution_command", metavar="ACTION", required=True)

    check = commands.add_parser("check", help="validate rulebook files; exit 2 if any is broken")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(handler=check_command)

    explain_parser = commands.add_parser("explain", help="describe a rulebook in plain English")
    explain_parser.add_argument(
        "rulebook",
        metavar="FILE|MODEL-SLUG",
        help="a YAML file, or one of: " + ", ".join(sorted(available_models())),
    )
    explain_parser.set_defaults(handler=explain_command)

    schema = commands.add_parser(
        "schema", help="print the rulebook's JSON Schema (for editors that validate YAML)"
    )
    schema.set_defaults(handler=schema_command)


def _summary(path: str) -> str:
    c = load_file(path)
    seats = sum(body.seat_count for body in c.bodies)
    return (
        f"{path}: ok - {c.organisation.name} ({c.organisation.legal_form}), "
        f"{len(c.constituencies)} constituencies, {len(c.bodies)} bodies, {seats} seats, "
        f"elections by {c.elections.method}"
    )


def check_command(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        try:
            print(_summary(path), flush=True)
        except RulebookError as exc:
            status = 2
            for problem in exc.problems:
                print(problem, file=sys.stderr, flush=True)
    return status


def explain_command(args: argparse.Namespace) -> int:
    target = args.rulebook
    try:
        path = Path(target) if Path(target).is_file() else model_path(target)
    except KeyError as exc:
        print(f"mutualise: error: {target!r} is not a file, and {exc}", file=sys.stderr)
        return 2
    try:
        constitution = load_file(path)
    except RulebookError as exc:
        print(exc, file=sys.stderr)
        return 2
    for paragraph in explain(constitution):
        print(textwrap.fill(paragraph, width=100))
        print()
    return 0


def schema_command(args: argparse.Namespace) -> int:
    print(json.dumps(Constitution.model_json_schema(), indent=2))
    return 0
