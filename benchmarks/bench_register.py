"""Register benchmarks: bulk import of 1,000,000 synthetic members (full validation) on SQLite
and PostgreSQL, against django-import-export on the same file; register search p95.

Each database runs in a child process (Django is configured once per process), on a throwaway
database: a temporary SQLite file, and MUTUALISE_BENCH_DATABASE (default `mutualise_bench`) on
the PostgreSQL server named by MUTUALISE_BENCH_POSTGRES (default
postgres://postgres@127.0.0.1:5432), skipped with a message if unreachable.
MUTUALISE_BENCH_MEMBERS changes the size (default 1,000,000); MUTUALISE_BENCH_ONLY=postgresql
(or sqlite) runs one database only.

Then each optimisation is switched off in turn, on the database it applies to, and the same file
imported again into a fresh database (import only): the forked checker (SQLite) and the
row-trigger switch (PostgreSQL). Each prints seconds on, seconds off, the share of the time
without it that it saves, and the verdict of issue 20: keep at >= 10%, else delete. (The fork on
PostgreSQL and SQLite's index rebuild were measured so and deleted: see docs/register.md.)
MUTUALISE_BENCH_SWITCH_OFF names which (default "fork,triggers"; empty: none).
One import of a million rows varies by 10-15% from run to run here, as much as the bar, so the
on and off imports are interleaved MUTUALISE_BENCH_REPEATS times (default 3), each on a fresh
database, and the fastest of each is compared (noise only ever adds time).
The switches are made in the child before the import, by patching module attributes; src is
unchanged.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

MEMBERS = int(os.environ.get("MUTUALISE_BENCH_MEMBERS", "1000000"))
PEER_ROWS = int(os.environ.get("MUTUALISE_BENCH_PEER_ROWS", "20000"))
POSTGRES = os.environ.get("MUTUALISE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("MUTUALISE_BENCH_DATABASE", "mutualise_bench")
ONLY = os.environ.get("MUTUALISE_BENCH_ONLY", "")
SWITCH_OFF = [
    name
    for name in os.environ.get("MUTUALISE_BENCH_SWITCH_OFF", "fork,triggers").split(",")
    if name
]
SEARCHES = 300
# Each optimisation, the databases it applies to, and what it is.
OPTIMISATIONS = {
    "fork": (("sqlite",), "forked checker (checkproc)"),
    "triggers": (("postgresql",), "row-trigger switch (bulkwrite)"),
}
KEEP_GAIN = 10.0  # per cent, issue 20 item 6
REPEATS = max(1, int(os.environ.get("MUTUALISE_BENCH_REPEATS", "3")))
# The NHS FT model's public areas: a trust's members live in its area.
DISTRICTS = ["NE1", "NE2", "NE3", "NE4", "NE5", "NE6", "NE7", "NE15", "NE8", "NE9", "NE10",
             "NE11", "NE12", "NE25", "NE26", "NE27", "NE28", "NE29", "NE30"]  # fmt: skip
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def make_file(path: Path, rows: int, seed: int = 2026) -> None:
    """A CSV of synthetic members, Faker en_GB names and streets combined at random."""
    from faker import Faker

    fake = Faker("en_GB")
    Faker.seed(seed)
    rng = random.Random(seed)
    firsts = list({fake.first_name() for _ in range(3000)})
    lasts = list({fake.last_name() for _ in range(5000)})
    streets = [fake.street_name() for _ in range(2000)]
    earliest = date(1930, 1, 1).toordinal()
    latest = date(2008, 1, 1).toordinal()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Member ID", "First name", "Surname", "Date of birth", "Address",
                         "Postcode", "Email", "Sex", "Joined"])  # fmt: skip
        for i in range(rows):
            first, last = rng.choice(firsts), rng.choice(lasts)
            born = date.fromordinal(rng.randint(earliest, latest))
            postcode = (
                f"{rng.choice(DISTRICTS)} {rng.randint(0, 9)}"
                f"{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
            )
            writer.writerow([
                f"HR{i:07d}", first, last, born.strftime("%d/%m/%Y"),
                f"{rng.randint(1, 300)} {rng.choice(streets)}", postcode,
                f"{first.lower()}.{last.lower()}.{i}@example.org" if i % 3 else "",
                rng.choice(["female", "male", ""]),
                (date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000))).isoformat(),
            ])  # fmt: skip


def _setup(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings_dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from mutualise.constitution import model_path
    from mutualise.register import services

    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    text = text.replace("membership:\n", "membership:\n  admission_by_board: false\n", 1)
    return services.create_organisation(
        name="Bench FT", constitution_text=text, source_name="ft.yaml", slug="bench-ft"
    )


def _peer_import(path: Path, rows: int) -> float:
    """django-import-export (bulk mode) on the first `rows` rows of the same file, rows/s.
    It checks types only: no eligibility, duplicates or postcode rules."""
    import tablib
    from import_export import fields, resources

    from mutualise.register.models import Member, Organisation

    organisation = Organisation.objects.create(slug="peer", name="Peer")
    counter = iter(range(1, 10**9))

    class MemberResource(resources.ModelResource):
        external_ref = fields.Field(attribute="external_ref", column_name="Member ID")
        display_name = fields.Field(attribute="display_name", column_name="Surname")
        address = fields.Field(attribute="address", column_name="Address")
        postcode = fields.Field(attribute="postcode", column_name="Postcode")
        email = fields.Field(attribute="email", column_name="Email")

        class Meta:
            model = Member
            fields = ("external_ref", "display_name", "address", "postcode", "email")
            import_id_fields = ("external_ref",)
            use_bulk = True
            batch_size = 2000
            skip_diff = True
            force_init_instance = True

        def before_save_instance(self, instance, row, **kwargs):
            instance.organisation = organisation
            instance.number = next(counter)
            instance.constituency_id = "public-newcastle"
            instance.applied_on = date(2026, 1, 1)

    with path.open(encoding="utf-8") as source:
        lines = [next(source) for _ in range(rows + 1)]
    dataset = tablib.Dataset().load("".join(lines), format="csv")
    started = time.perf_counter()
    result = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors()
    return rows / elapsed


def _postgres_ceiling(organisation) -> dict:
    """PostgreSQL's own speed on this machine for the rows just imported, with no Python and
    no checking: COPY of the same rows (as text) into the member table, with its indexes and
    with the foreign-key triggers off as the import has them, and into a bare table of the
    same columns. Both in transactions rolled back."""
    from django.db import connection

    from mutualise.register.bulkwrite import MEMBER_COLUMNS

    columns = ", ".join(MEMBER_COLUMNS)
    with tempfile.TemporaryFile() as rows, connection.cursor() as cursor:
        raw = cursor.cursor
        cursor.execute("SELECT max(id) FROM register_organisation")
        other = cursor.fetchone()[0] + 1
        # The same rows for another organisation, so the unique indexes take them.
        selected = columns.replace("organisation_id", f"{other} AS organisation_id", 1)
        with raw.copy(
            f"COPY (SELECT {selected} FROM register_member WHERE organisation_id = %s) TO STDOUT",
            [organisation.pk],
        ) as copy:
            for block in copy:
                rows.write(block)
        timings = {}
        for name, table, setup in [
            ("indexed", "register_member", [
                "INSERT INTO register_organisation (id, slug, name, model_slug, mail_from,"
                f" created_at) VALUES ({other}, 'ceiling', 'Ceiling', '', '', now())",
                "SET LOCAL session_replication_role = replica",
            ]),
            ("bare", "ceiling", [
                "CREATE TEMP TABLE ceiling (LIKE register_member INCLUDING DEFAULTS INCLUDING IDENTITY)",
            ]),
        ]:  # fmt: skip
            cursor.execute("BEGIN")
            for sql in setup:
                cursor.execute(sql)
            rows.seek(0)
            started = time.perf_counter()
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                while block := rows.read(1 << 20):
                    copy.write(block)
            timings[name] = time.perf_counter() - started
            cursor.execute("ROLLBACK")
        return timings


def _switch_off(name: str) -> None:
    """Switch one optimisation off for this process, before the import runs."""
    from mutualise.register import bulkwrite, checkproc

    if name == "none":  # everything on, the import only
        return
    if name == "fork":
        checkproc.MIN_ROWS = 10**12
    elif name == "triggers":
        bulkwrite._may_switch_off_row_triggers = lambda connection, cursor: False
    else:
        raise SystemExit(f"unknown optimisation {name!r}: one of {', '.join(OPTIMISATIONS)}")


def _import(organisation, path: str) -> float:
    from mutualise.register import services

    data = Path(path).read_bytes()
    started = time.perf_counter()
    batch, result = services.accept_import(organisation, data, "bench.csv", actor="bench")
    elapsed = time.perf_counter() - started
    assert batch.rows_created == MEMBERS, (batch.rows_created, result.problem_counts())
    return elapsed


def child(database_url: str, path: str, off: str = "") -> None:
    """Run in a child process: import, peer import, searches; print one JSON line. With `off`,
    that optimisation switched off and the import only."""
    organisation = _setup(database_url)
    if off:
        _switch_off(off)
        print(json.dumps({"seconds": _import(organisation, path)}))
        return
    from mutualise.register.search import search

    elapsed = _import(organisation, path)
    # This process, plus the checking process it forks for a large file (both alive at once).
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    checker_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    rng = random.Random(7)
    from mutualise.register.models import Member

    sample = list(
        Member.objects.filter(organisation=organisation)
        .filter(number__in=[rng.randint(1, MEMBERS) for _ in range(SEARCHES)])
        .values_list("number", "surname_key", "postcode")
    )
    timings = {}
    for kind, queries in {
        "number": [str(n) for n, _, _ in sample],
        "name": [s[:5] for _, s, _ in sample],
        "postcode": [p for _, _, p in sample],
    }.items():
        times = []
        for query in queries:
            t0 = time.perf_counter()
            found = list(search(organisation, query))
            times.append(time.perf_counter() - t0)
            assert found, (kind, query)
        times.sort()
        timings[kind] = times[int(len(times) * 0.95) - 1] * 1000
    ceiling = _postgres_ceiling(organisation) if "postgres" in database_url else None
    peer = _peer_import(Path(path), min(PEER_ROWS, MEMBERS))
    print(json.dumps({
        "rows_per_s": MEMBERS / elapsed, "seconds": elapsed, "peak_mib": peak_mib,
        "checker_mib": checker_mib, "ceiling": ceiling,
        "p95_ms": timings, "peer_rows_per_s": peer,
    }))  # fmt: skip


def _child_figures(name: str, database_url: str, path: Path, off: str = "") -> dict | None:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_register", "--child", database_url, str(path)]
        + ([off] if off else []),
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if completed.returncode != 0:
        print(f"{name}{f' ({off} off)' if off else ''}: FAILED\n{completed.stderr[-3000:]}")
        return None
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _run_child(name: str, database_url: str, path: Path) -> float | None:
    """The full run on one database; the import's seconds, or None if it failed."""
    figures = _child_figures(name, database_url, path)
    if figures is None:
        return None
    ratio = figures["rows_per_s"] / figures["peer_rows_per_s"]
    peak = figures["peak_mib"] + figures["checker_mib"]
    p95 = figures["p95_ms"]
    print(
        f"{name}: import {MEMBERS:,} members in {figures['seconds']:.1f} s = "
        f"{figures['rows_per_s']:,.0f} rows/s (peak RSS {peak:.0f} MiB: importer "
        f"{figures['peak_mib']:.0f} + checker {figures['checker_mib']:.0f}); "
        f"django-import-export {figures['peer_rows_per_s']:,.0f} rows/s on the first "
        f"{min(PEER_ROWS, MEMBERS):,} rows, ratio {ratio:.1f}x"
    )
    if figures["ceiling"]:
        indexed, bare = figures["ceiling"]["indexed"], figures["ceiling"]["bare"]
        print(
            f"{name}: its own COPY of the same rows, no Python or checking: into the member "
            f"table {indexed:.1f} s = {MEMBERS / indexed:,.0f} rows/s, into a bare table "
            f"{bare:.1f} s; the import takes {figures['seconds'] / indexed:.2f}x the indexed COPY"
        )
    print(
        f"{name}: search p95 over {SEARCHES} queries each: number {p95['number']:.2f} ms, "
        f"name {p95['name']:.2f} ms, postcode {p95['postcode']:.2f} ms"
    )
    return figures["seconds"]


def _verdict(name: str, off: str, seconds_on: list[float], seconds_off: list[float]) -> None:
    best_on, best_off = min(seconds_on), min(seconds_off)
    gain = (best_off - best_on) / best_off * 100
    verdict = f"keep (>= {KEEP_GAIN:.0f}%)" if gain >= KEEP_GAIN else f"DELETE (< {KEEP_GAIN:.0f}%)"
    runs = ", ".join(f"{s:.1f}" for s in seconds_on), ", ".join(f"{s:.1f}" for s in seconds_off)
    print(
        f"{name}: {OPTIMISATIONS[off][1]}: on {best_on:.1f} s (of {runs[0]}), off "
        f"{best_off:.1f} s (of {runs[1]}), gain {gain:.1f}% of the time without it "
        f"({best_off / best_on:.2f}x): {verdict}"
    )


def _switched_off(name: str, fresh_database, seconds_on: float | None, path: Path) -> None:
    """Each optimisation that applies to this database switched off in turn, same file, a
    fresh database each time, interleaved with imports with everything on, REPEATS rounds."""
    offs = [off for off in SWITCH_OFF if name in OPTIMISATIONS.get(off, ((name,), ""))[0]]
    if seconds_on is None or not offs:
        return
    on, off_times = [seconds_on], {off: [] for off in offs}
    for round_ in range(REPEATS):
        if round_:
            on.append(_import_seconds(name, fresh_database("on"), path, "none"))
        for off in offs:
            off_times[off].append(_import_seconds(name, fresh_database(off), path, off))
    for off in offs:
        if None not in on and None not in off_times[off]:
            _verdict(name, off, on, off_times[off])


def _import_seconds(name: str, database_url: str | None, path: Path, off: str) -> float | None:
    if database_url is None:
        return None
    figures = _child_figures(name, database_url, path, off)
    return None if figures is None else figures["seconds"]


def _fresh_sqlite(file: str) -> str:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(file + suffix).unlink(missing_ok=True)
    return f"sqlite:///{file}"


def _postgres_database() -> str | None:
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    except Exception as exc:  # no server: say so, keep the SQLite figures
        print(f"postgresql: skipped ({exc})")
        return None
    return f"{POSTGRES}/{DATABASE}"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "members.csv"
        started = time.perf_counter()
        make_file(path, MEMBERS)
        size = path.stat().st_size / 2**20
        print(
            f"generated {MEMBERS:,} members ({size:.0f} MiB) in {time.perf_counter() - started:.1f} s"
        )
        if ONLY in ("", "sqlite"):
            seconds = _run_child("sqlite", f"sqlite:///{tmp}/bench.sqlite3", path)
            _switched_off(
                "sqlite", lambda off: _fresh_sqlite(f"{tmp}/bench-{off}.sqlite3"), seconds, path
            )
        database = _postgres_database() if ONLY in ("", "postgresql") else None
        if database:
            seconds = _run_child("postgresql", database, path)
            _switched_off("postgresql", lambda off: _postgres_database(), seconds, path)


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()
