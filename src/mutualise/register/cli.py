"""`mutualise members ...`: import, export, counts and the eligibility re-check."""

from __future__ import annotations

import sys
from pathlib import Path

from mutualise.cli import CommandError, setup_django


def register(subparsers) -> None:
    members = subparsers.add_parser("members", help="the member register: import, export, ...")
    sub = members.add_subparsers(dest="members_command", required=True, metavar="ACTION")

    imp = sub.add_parser("import", help="check a CSV/XLSX file of members; --accept to write")
    imp.add_argument("file")
    imp.add_argument("--org", required=True, help="organisation slug")
    imp.add_argument(
        "--mapping", default="", help="field=Column pairs, e.g. 'display_name=Full name,email=E'"
    )
    imp.add_argument("--accept", action="store_true", help="write the good rows")
    imp.add_argument(
        "--as-applicants",
        action="store_true",
        help="add the people as applicants for the board to admit (where the board admits),"
        " not as members",
    )
    imp.add_argument("--rejected", help="write the rejected rows (to fix) to this CSV file")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(handler=members_import)

    exp = sub.add_parser("export", help="register extract of current members (CSV or XLSX)")
    exp.add_argument("--org", required=True)
    exp.add_argument("--output", "-o", help="file to write (default: CSV to standard output)")
    exp.add_argument("--format", choices=["csv", "xlsx"], help="default: from --output's suffix")
    exp.set_defaults(handler=members_export)

    cnt = sub.add_parser("counts", help="current members by constituency and class")
    cnt.add_argument("--org", required=True)
    cnt.set_defaults(handler=members_counts)

    chk = sub.add_parser("recheck", help="list current members who no longer qualify")
    chk.add_argument("--org", required=True)
    chk.set_defaults(handler=members_recheck)


def _organisation(slug: str):
    # why: after setup_django: --help loads no app
    from mutualise.register.models import Organisation

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"no organisation '{slug}'")
    return organisation


def members_import(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.jobs import terminal
    from mutualise.register import services
    from mutualise.register.importing import check_file, parse_mapping
    from mutualise.register.tabular import TableError

    organisation = _organisation(args.org)
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    data = path.read_bytes()
    try:
        mapping = parse_mapping(args.mapping)
        if args.accept:
            rows = max(data.count(b"\n") - 1, 1)
            label = f"Importing {path.name}"
            with terminal.bar(rows, unit="rows", label=label, quiet=args.quiet) as shown:
                batch, result = services.accept_import(
                    organisation,
                    data,
                    path.name,
                    mapping=mapping,
                    actor="cli",
                    progress=shown,
                    as_applicants=args.as_applicants,
                )
                shown.update(result.rows_total, result.rows_total)  # blank lines were counted
        else:
            result = check_file(organisation, data, path.name, mapping=mapping)
    except (TableError, services.MemberError) as exc:
        raise CommandError(str(exc)) from exc
    print(f"{path.name}: {result.encoding}; columns used:")
    for target, column in result.mapping.items():
        print(f"  {column!r} -> {target}")
    if result.ignored_columns:
        print(f"  ignored: {', '.join(result.ignored_columns)}")
    for problem in result.problems[:200]:
        print(f"{path.name}: {problem}")
    if len(result.problems) > 200:
        print(f"... and {len(result.problems) - 200} more problems (see --rejected)")
    if result.share_warning():
        print(f"{path.name}: warning: {result.share_warning()}")
    counts = result.problem_counts()
    if counts:
        print("problems by kind: " + ", ".join(f"{k} {n}" for k, n in counts.most_common()))
    if args.rejected:
        Path(args.rejected).write_text(result.rejected_csv(), encoding="utf-8-sig")
        print(f"rejected rows written to {args.rejected}")
    summary = (
        f"{result.rows_total} rows: {result.rows_ready} good, "
        f"{result.rows_already_present} already on the register, {result.rows_rejected} rejected"
    )
    if args.accept:
        added = "applicants added for the board" if args.as_applicants else "members added"
        print(f"{summary}; {batch.rows_created} {added} (import {batch.pk})")
    else:
        print(f"{summary}; nothing written (run again with --accept to add the good rows)")
    return 0


def members_export(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.register import exports

    organisation = _organisation(args.org)
    fmt = args.format or ("xlsx" if (args.output or "").endswith(".xlsx") else "csv")
    if fmt == "xlsx":
        if not args.output:
            raise CommandError("XLSX needs --output FILE")
        Path(args.output).write_bytes(exports.extract_xlsx(organisation))
    elif args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            out.writelines(exports.extract_csv(organisation))
    else:
        for piece in exports.extract_csv(organisation):
            sys.stdout.write(piece.lstrip("\ufeff"))
    return 0


def members_counts(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.register import exports

    total = 0
    for row in exports.counts(_organisation(args.org)):
        label = row["constituency"] + (f" / {row['class']}" if row["class"] else "")
        print(f"{row['members']:>9,}  {label}")
        total += row["members"]
    print(f"{total:>9,}  in all")
    return 0


def members_recheck(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.register.services import recheck_register

    found = recheck_register(_organisation(args.org), actor="cli")
    for item in found:
        print(f"{item.member.number}\t{item.suggested_reason}\t{' '.join(item.reasons)}")
    print(f"{len(found)} members no longer qualify; confirm each on the member's page")
    return 0
