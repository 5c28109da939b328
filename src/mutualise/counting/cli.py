"""`mutualise count FILE... --method M`: count ballot files without starting Django.

Output formats: `text` (a count sheet), `json` (one object), `jsonl` (one object per file, each
with "file" added; a file that cannot be counted gives `{"file": ..., "error": ...}` and the
command exits 1 after counting the rest), `html` (a page with an SVG chart).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mutualise.cli import CommandError

from . import report
from .ballots import BallotError, Profile
from .blt import read_blt
from .cvr import read_cvr_csv
from .methods import INDEX, METHODS, get_method
from .result import CountError, CountResult
from .ties import with_all_outcomes


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "count",
        help="count ballot files (BLT or CSV cast-vote records)",
        description="Count one or more ballot files under a published counting rule.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="a .blt file, or a .csv of CVRs")
    parser.add_argument(
        "--methods",
        action="store_true",
        help="list the counting methods: name, ballot, options (from the method index)",
    )
    parser.add_argument(
        "--method", "-m", default="scottish-stv", help=f"one of: {', '.join(sorted(METHODS))}"
    )
    parser.add_argument("--seats", type=int, help="seats to fill (default: as the file says)")
    parser.add_argument(
        "--format", "-f", default="text", choices=["text", "json", "jsonl", "html"], dest="fmt"
    )
    parser.add_argument("--seed", type=int, help="seed for any drawing of lots (reported)")
    parser.add_argument(
        "--all-ties", action="store_true", help="also list the outcome of every way lots could fall"
    )
    parser.add_argument(
        "--option",
        "-o",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a method option, e.g. -o threshold=2/3 -o electorate=900",
    )
    parser.set_defaults(handler=handle)


def load(path: str, seats: int | None) -> Profile:
    if path.lower().endswith(".csv"):
        return read_cvr_csv(path, seats=seats or 1, title=Path(path).stem)
    return read_blt(path)


def count_file(path: str, args: argparse.Namespace, options: dict[str, str]) -> CountResult:
    profile = load(path, args.seats)
    method = get_method(args.method)
    if args.all_ties:
        return with_all_outcomes(method, profile, args.seats, seed=args.seed, **options)
    return method(profile, args.seats, seed=args.seed, **options)


def parse_options(pairs: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CommandError(f"--option needs KEY=VALUE, not {pair!r}")
        options[key.strip().replace("-", "_")] = value.strip()
    return options


def list_methods() -> str:
    lines = []
    for slug, info in sorted(INDEX.items()):
        also = f" (also {', '.join(info.aliases)})" if info.aliases else ""
        lines.append(f"{slug}{also}: {info.name}")
        lines.append(f"  {info.summary}")
        lines.append(f"  ballot: {info.ballot.label.lower()}")
        for p in info.parameters:
            default = f" (default {p.default})" if p.default else ""
            lines.append(f"  -o {p.name}=...  {p.description}{default}")
    return "\n".join(lines) + "\n"


BALLOT_SUFFIXES = (".blt", ".csv")


def expand_directories(paths: list[str]) -> list[str]:
    """Each directory named stands for the ballot files in it (BLT and CSV), in name order."""
    found: list[str] = []
    for path in paths:
        folder = Path(path)
        if folder.is_dir():
            found += sorted(
                str(p) for p in folder.iterdir()
                if p.is_file() and p.suffix.lower() in BALLOT_SUFFIXES
            )  # fmt: skip
        else:
            found.append(path)
    return found


def handle(args: argparse.Namespace) -> int:
    if args.methods:
        sys.stdout.write(list_methods())
        return 0
    if not args.files:
        raise CommandError("name at least one ballot file (or --methods to list the methods)")
    options = parse_options(args.option)
    files = expand_directories(args.files)
    if len(files) > 1 and args.fmt in ("json", "html"):
        raise CommandError(f"--format {args.fmt} takes one file; use --format jsonl for several")
    failures = 0
    out = sys.stdout
    for path in files:
        try:
            result = count_file(path, args, options)
        except (BallotError, CountError) as exc:
            message = str(exc) if path in str(exc) else f"{path}: {exc}"
            if len(files) == 1 and args.fmt != "jsonl":
                raise CommandError(message) from None
            # Several files: say what is wrong with this one and count the rest.
            failures += 1
            if args.fmt == "jsonl":
                out.write(json.dumps({"file": path, "error": str(exc)}, ensure_ascii=False) + "\n")
            else:
                print(f"mutualise: {message}", file=sys.stderr)
            continue
        if args.fmt == "jsonl":
            out.write(report.to_json(result, indent=None, file=path) + "\n")
        elif args.fmt == "json":
            out.write(report.to_json(result) + "\n")
        elif args.fmt == "html":
            out.write(report.to_html(result))
        else:
            if len(files) > 1:
                out.write(f"### {path}\n")
            out.write(report.to_text(result) + "\n")
    if failures:
        print(
            f"mutualise: {failures} of {len(files)} files could not be counted",
            file=sys.stderr,
        )
        return 1
    return 0
