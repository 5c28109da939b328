"""`mutualise pb count FILE.pb [--rule greedy|mes|mes-add1]`: count a pabulib file without Django.

Without --rule the file's own META `rule` decides (greedy, equalshares, equalshares/add1).
`--format ids` prints the funded project ids on one line, comma-separated (the conformance run's
form); `json` prints {"selected", "spent", "rule", ...} with every step; `text` a count sheet.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mutualise.cli import CommandError

from .add1 import mes, mes_add1
from .greedy import greedy
from .pb import PbError, read_pb
from .result import BudgetError

RULES = {"greedy": greedy, "mes": mes, "mes-add1": mes_add1}
FILE_RULES = {"greedy": "greedy", "equalshares": "mes", "equalshares/add1": "mes-add1"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "pb",
        help="participatory budgets in pabulib .pb files",
        description="Work with participatory-budgeting files in the pabulib format.",
    )
    sub = parser.add_subparsers(dest="pb_command", metavar="ACTION", required=True)
    count = sub.add_parser("count", help="count a .pb file", description=__doc__)
    count.add_argument("file", metavar="FILE.pb")
    count.add_argument("--rule", choices=sorted(RULES), help="default: the file's META rule")
    count.add_argument(
        "--complete",
        choices=["none", "greedy"],
        default="none",
        help="after equal shares, fund what still fits by votes (default: none)",
    )
    count.add_argument(
        "--format", "-f", default="text", choices=["text", "json", "ids"], dest="fmt"
    )
    count.set_defaults(handler=handle_count)


def rule_for(file_rule: str, path: str) -> str:
    try:
        return FILE_RULES[file_rule.strip().lower()]
    except KeyError:
        raise CommandError(
            f"{path}: the file's rule {file_rule!r} is not one this counts; "
            f"give --rule ({', '.join(sorted(RULES))})"
        ) from None


def handle_count(args: argparse.Namespace) -> int:
    try:
        instance = read_pb(args.file)
        name = args.rule or rule_for(instance.rule, args.file)
        if name == "greedy":
            result = greedy(instance)
        else:
            result = RULES[name](instance, complete=args.complete == "greedy")
    except (PbError, BudgetError) as exc:
        raise CommandError(str(exc)) from None
    if args.fmt == "json":
        sys.stdout.write(result.to_json() + "\n")
    elif args.fmt == "ids":
        sys.stdout.write(",".join(result.selected) + "\n")
    else:
        sys.stdout.write(result.to_text() + "\n")
    return 0
