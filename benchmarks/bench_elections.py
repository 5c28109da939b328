"""Elections under load, on PostgreSQL (its own database, mutualise_elections_bench):

1. pgbench: single-row INSERT transactions per second on this box, for scale.
2. Cast BENCH_BALLOTS (default 100,000) ballots over HTTP to gunicorn on loopback, the load
   coming from a second process: ballots/s and latency percentiles (target >= 500/s, p99 < 250 ms).
3. Durability: SIGKILL the server in the middle of a load and restart it; every acknowledged
   ballot is there, none twice, vote records == ballots.
4. An election of BENCH_MILLION (default 1,000,000) ballots: close of poll to declared result
   (target < 10 s).

Run: `make bench` or `.venv/bin/python -m benchmarks elections`. The work runs in a child
process so that its Django settings (DATABASE_URL) do not leak into other benchmarks.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

DB = os.environ.get("BENCH_DB", "mutualise_elections_bench")
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BALLOTS = int(os.environ.get("BENCH_BALLOTS", "100000"))
DURABILITY_BALLOTS = int(os.environ.get("BENCH_DURABILITY_BALLOTS", "20000"))
MILLION = int(os.environ.get("BENCH_MILLION", "1000000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "6"))  # gthread workers: keep-alive connections
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))


def main() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "DJANGO_SETTINGS_MODULE": "mutualise.web.settings_dev",
    }
    subprocess.run([sys.executable, "-m", "benchmarks.bench_elections", "run"], env=env,
                   cwd=REPO, check=True)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Setting up (in the child, with Django)


def _psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-Atqc", sql],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip()


def _fresh_database() -> None:
    _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    _psql(f"CREATE DATABASE {DB}")
    subprocess.run(
        [str(VENV_BIN / "mutualise"), "manage", "migrate", "--noinput", "-v", "0"], check=True
    )


def _organisation():
    from mutualise.constitution import model_path
    from mutualise.counting.methods import METHODS
    from mutualise.register import services as register

    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    if "nhs-mer-stv" not in METHODS:
        text = text.replace("method: nhs-mer-stv", "method: scottish-stv")
    return register.create_organisation(
        name="Bench Hospitals", constitution_text=text, source_name="nhs.yaml", slug="bench"
    )


def _clone_members(org, constituency_id: str, n: int) -> None:
    """n members (and membership periods) copied in SQL from one template row: the ORM would
    take minutes for a million. Column lists come from the register's own models."""
    from django.db import connection, transaction

    from mutualise.register import services as register
    from mutualise.register.models import Member, MembershipPeriod

    joined = date(2024, 1, 8)
    with transaction.atomic():
        first = register.reserve_numbers(org, n + 1)
        template = Member.objects.create(
            organisation=org, number=first, status=Member.Status.ADMITTED,
            constituency_id=constituency_id, display_name="Template", applied_on=joined,
            admitted_on=joined,
        )  # fmt: skip
        MembershipPeriod.objects.create(
            organisation=org, member=template, constituency_id=constituency_id,
            started_on=joined,
        )  # fmt: skip
        overrides = {
            "number": "t.number + g",
            "user_id": "NULL",
            "external_ref": "''",
            "display_name": "'Voter ' || (t.number + g)",
        }
        columns = [f.column for f in Member._meta.concrete_fields if f.column != "id"]
        select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Member._meta.db_table} ({', '.join(columns)}) "
                f"SELECT {select} FROM {Member._meta.db_table} t, generate_series(1, %s) g "
                f"WHERE t.id = %s",
                [n, template.pk],
            )
            pcols = [f.column for f in MembershipPeriod._meta.concrete_fields if f.column != "id"]
            pselect = ", ".join("m.id" if c == "member_id" else f"p.{c}" for c in pcols)
            cursor.execute(
                f"INSERT INTO {MembershipPeriod._meta.db_table} ({', '.join(pcols)}) "
                f"SELECT {pselect} FROM {Member._meta.db_table} m, "
                f"{MembershipPeriod._meta.db_table} p WHERE p.member_id = %s "
                f"AND m.organisation_id = %s AND m.number > %s AND m.number <= %s",
                [template.pk, org.pk, first, first + n],
            )


def _close_of_poll(days_ahead: int) -> date:
    from mutualise.constitution.calendar import is_working_day

    day = date.today() + timedelta(days=days_ahead)
    while not is_working_day(day, non_working=["weekends", "bank-holidays", "christmas-eve",
                                               "christmas-day", "good-friday"]):  # fmt: skip
        day += timedelta(days=1)
    return day


def _open_election(org, seat_group: str, candidates: int = 9, credentials: bool = True):
    """An election in `seat_group` driven to an open poll; returns (election, codes)."""
    from mutualise.elections import services
    from mutualise.register.models import Member

    close = _close_of_poll(120)
    probe = services.election_timetable(
        org.constitution.elections.timetable, close, org.constitution.organisation.nation
    )
    election = services.create_election(
        org, body_id="council-of-governors", seat_group_id=seat_group, close_of_poll=close,
        actor="bench", now=probe.notice_of_election - timedelta(days=1),
    )  # fmt: skip
    table = services.timetable(election)
    services.transition(election, "publish_notice", actor="bench",
                        now=table.notice_of_election - timedelta(days=1))  # fmt: skip
    nominating = table.notice_of_election + timedelta(hours=1)
    services.transition(election, "open_nominations", actor="bench", now=nominating)
    people = Member.objects.filter(organisation=org, constituency_id=election.constituency_id)
    declare = org.constitution.body("council-of-governors").disqualifications
    for k, member in enumerate(people.order_by("number")[1 : candidates + 1]):
        services.nominate(election, member, ballot_name=f"Candidate {chr(65 + k)}",
                          declarations=declare, actor="bench", now=nominating)  # fmt: skip
    services.transition(election, "close_nominations", actor="bench",
                        now=table.nominations_close + timedelta(minutes=1))  # fmt: skip
    if not credentials:
        return election, table, []
    services.freeze_roll(election, actor="bench")
    services.transition(election, "close_withdrawals", actor="bench",
                        now=table.withdrawals_close + timedelta(minutes=1))  # fmt: skip
    issued = services.issue_credentials(election, actor="bench")
    services.transition(election, "open_poll", actor="bench",
                        now=table.withdrawals_close + timedelta(minutes=2))  # fmt: skip
    return election, table, [item.code for item in issued]


# ---------------------------------------------------------------------------------------------
# The server and the load


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "mutualise.web.wsgi:application", "-b",
         f"127.0.0.1:{port}", "-w", str(WORKERS), "--threads", str(THREADS), "--keep-alive", "30",
         "--log-level", "warning", "--backlog", "2048"],
        env={**os.environ, "MUTUALISE_LOG_LEVEL": "ERROR"}, cwd=REPO, start_new_session=True,
    )  # fmt: skip
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _stop(server: subprocess.Popen, sig=signal.SIGTERM) -> None:
    try:
        os.killpg(server.pid, sig)
    except ProcessLookupError:
        return
    server.wait(timeout=30)


def _load(port: int, path: str, codes_file: Path, out_file: Path, retry_seconds: float = 0,
          warm: int = 0, skip: int = 0):  # fmt: skip
    """Run the load generator in a second process; returns its report. `warm` casts only the
    first so many codes (to start the workers and their connections); `skip` leaves them out."""
    subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_elections", "load", str(port), path,
         str(codes_file), str(out_file), str(CONCURRENCY), str(retry_seconds), str(warm),
         str(skip)],
        cwd=REPO, check=True,
    )  # fmt: skip
    return json.loads(out_file.read_text())


class _Connection:
    """One keep-alive HTTP/1.1 connection (reopened after an error or a close)."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            self.writer.write(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await self.writer.drain()
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
            payload = await self.reader.readexactly(int(headers.get("content-length", "0")))
            if headers.get("connection", "").lower() == "close":
                self.close()
            return int(lines[0].split(" ", 2)[1]), payload
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            self.close()
            raise ConnectionError(str(exc)) from exc

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def load_main(port, path, codes_file, out_file, concurrency, retry_seconds, warm="0",
              skip="0") -> None:  # fmt: skip
    """The second process: cast one ballot per code, `concurrency` at a time. With
    `retry_seconds`, a cast whose connection fails is retried (the server may be restarting)."""
    codes = Path(codes_file).read_text().split()
    codes = codes[: int(warm)] if int(warm) else codes[int(skip) :]
    port, concurrency, retry_seconds = int(port), int(concurrency), float(retry_seconds)
    latencies: list[float] = []
    acknowledged: dict[str, str] = {}
    statuses: dict[str, int] = {}
    queue = list(reversed(codes))

    async def worker(k: int) -> None:
        connection = _Connection(port)
        while queue:
            code = queue.pop()
            marks = [1 + (k + len(queue)) % 6, 1 + (k + 2 * len(queue) + 1) % 6]
            if marks[0] == marks[1]:
                marks = marks[:1]
            body = json.dumps({"code": code, "marks": marks}).encode()
            give_up = time.perf_counter() + retry_seconds
            while True:
                started = time.perf_counter()
                try:
                    status, payload = await connection.post(path, body)
                    break
                except (ConnectionError, OSError, IndexError, ValueError):
                    if time.perf_counter() > give_up:
                        status, payload = 0, b""
                        break
                    await asyncio.sleep(0.2)
            latencies.append(time.perf_counter() - started)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status == 200:
                acknowledged[code] = json.loads(payload)["receipt"]

    async def run() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        return time.perf_counter() - started

    elapsed = asyncio.run(run())
    latencies.sort()
    report = {
        "elapsed": elapsed,
        "statuses": statuses,
        "acknowledged": acknowledged,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
        "max": latencies[-1],
        "mean": statistics.fmean(latencies),
    }
    Path(out_file).write_text(json.dumps(report))


# ---------------------------------------------------------------------------------------------
# The four measurements


PGBENCH_BALLOTS = int(os.environ.get("BENCH_PGBENCH_BALLOTS", "40000"))


def _cpu_seconds(pids) -> float:
    """User + system CPU of these processes so far (from /proc), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _server_pids(server: subprocess.Popen) -> list[int]:
    """gunicorn's master and workers: the process group it was started in."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == server.pid:
                pids.append(int(entry.name))
    return pids


def _backend_pids() -> list[int]:
    """The PostgreSQL backends serving this database, but not this process's own."""
    out = _psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{DB}' "
                "AND pid <> pg_backend_pid()", DB)  # fmt: skip
    return [int(p) for p in out.split()]


def pgbench_figure(election, codes: list[str]) -> tuple[float, float]:
    """pgbench running the cast's own statement (services/casting.py _CAST_SQL: credential
    look-up, vote record, sealed ballot of the real length, one transaction) for `codes` of the
    same election, CONCURRENCY clients, so the ratio is of the same transactions. Returns
    (transactions/s, PostgreSQL CPU ms per transaction)."""
    from mutualise.elections import codes as codes_module
    from mutualise.elections import mixing
    from mutualise.elections.services import casting

    rows = "\n".join(f"{n}\t{codes_module.code_hash(election.pk, c)}" for n, c in
                      enumerate(codes, 1))  # fmt: skip
    _psql("DROP TABLE IF EXISTS bench_codes; CREATE TABLE bench_codes (n int PRIMARY KEY, "
          "hash text); DROP SEQUENCE IF EXISTS bench_seq; CREATE SEQUENCE bench_seq", DB)  # fmt: skip
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB, "-qc",
                    "COPY bench_codes FROM STDIN"], input=rows + "\n", text=True,
                   check=True)  # fmt: skip
    sealed = mixing.seal_cast("1 2", "ABCD-EFGH-JKMN", uuid.uuid4())
    sql = casting._CAST_SQL % {
        "hash": "(SELECT hash FROM bench_codes WHERE n = (SELECT nextval('bench_seq')))",
        "election": str(election.pk),
        "organisation": str(election.organisation_id),
        "record_id": "gen_random_uuid()",
        "channel": "'internet'",
        "ballot_id": "gen_random_uuid()",
        "sealed": f"'{sealed}'",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(" ".join(sql.split()) + ";\n")
    per_client = len(codes) // CONCURRENCY
    pg = subprocess.Popen(
        ["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-c", str(CONCURRENCY), "-j", "2",
         "-t", str(per_client), "-f", script.name, DB],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    # pgbench's backends live as long as its run: sample their CPU just before they end.
    cpu, pids = 0.0, set()
    while pg.poll() is None:
        pids.update(_backend_pids())
        cpu = max(cpu, _cpu_seconds(pids))
        time.sleep(0.5)
    out = pg.stdout.read()
    tps = float(next(line for line in out.splitlines() if line.startswith("tps")).split()[2])
    done = int(_psql(f"SELECT count(*) FROM elections_sealedballot WHERE sealed = '{sealed}'", DB))
    print(f"pgbench: {tps:,.0f} cast transactions/s (the cast's own statement, {done:,} ballots, "
          f"{CONCURRENCY} clients, synchronous commit); PostgreSQL CPU >= "
          f"{1000 * cpu / max(done, 1):.2f} ms per ballot (sampled)")  # fmt: skip
    # Not real ballots (one seal for all): out of the way of any later count.
    _psql("DELETE FROM elections_voterecord WHERE roll_entry_id IN (SELECT c.roll_entry_id "
          "FROM elections_credential c JOIN bench_codes b ON b.hash = c.code_hash); "
          f"DELETE FROM elections_sealedballot WHERE sealed = '{sealed}'", DB)  # fmt: skip
    return tps, 1000 * cpu / max(done, 1)


def http_casting(org) -> None:
    from mutualise.elections import mixing
    from mutualise.elections.models import Ballot, VoteRecord

    election, _, codes = _open_election(org, "public-newcastle")
    work = Path(tempfile.mkdtemp())
    (work / "codes").write_text("\n".join(codes[:BALLOTS]))
    port = _free_port()
    server = _start_server(port)
    try:
        path = f"/o/{org.slug}/elections/{election.pk}/api/cast"
        _load(port, path, work / "codes", work / "warm.json", warm=200)
        workers, backends = _server_pids(server), _backend_pids()
        cpu_before = _cpu_seconds(workers), _cpu_seconds(backends)
        report = _load(port, path, work / "codes", work / "out.json", skip=200)
        backends = sorted(set(backends) | set(_backend_pids()))
        app_cpu = _cpu_seconds(workers) - cpu_before[0]
        db_cpu = _cpu_seconds(backends) - cpu_before[1]
    finally:
        _stop(server)
    n = len(report["acknowledged"])
    rate = n / report["elapsed"]
    load = os.getloadavg()
    print(f"HTTP casting: {n:,} ballots in {report['elapsed']:.1f} s = {rate:,.0f} ballots/s "
          f"(target >= 500); latency p50 {report['p50'] * 1000:.0f} ms, p99 "
          f"{report['p99'] * 1000:.0f} ms (target < 250), max {report['max'] * 1000:.0f} ms; "
          f"statuses {report['statuses']}")  # fmt: skip
    print(f"  CPU per ballot: gunicorn {1000 * app_cpu / n:.2f} ms (middleware, parser, seal, "
          f"mixing), PostgreSQL {1000 * db_cpu / n:.2f} ms; load average "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print(f"  mixing on: {Ballot.objects.filter(election=election).count():,} mixed in batches "
          f"of >= {mixing.batch_size(election)} during the load, {mixing.waiting(election):,} "
          "still sealed")  # fmt: skip
    assert mixing.cast_count(election) == n + 200
    assert VoteRecord.objects.filter(election=election).count() == n + 200
    tps, _ = pgbench_figure(election, codes[BALLOTS : BALLOTS + PGBENCH_BALLOTS])
    print(f"  gunicorn {WORKERS} workers x {THREADS} threads, {CONCURRENCY} keep-alive clients; "
          f"HTTP casting / pgbench of the same transactions in this run: {rate / tps:.2f} "
          f"({rate:,.0f} / {tps:,.0f})")  # fmt: skip


def durability(org) -> None:
    from django.db.models import Count

    from mutualise.elections import mixing
    from mutualise.elections.models import Receipt, VoteRecord

    election, _, codes = _open_election(org, "public-gateshead")
    work = Path(tempfile.mkdtemp())
    (work / "codes").write_text("\n".join(codes[:DURABILITY_BALLOTS]))
    port = _free_port()
    server = _start_server(port)
    path = f"/o/{org.slug}/elections/{election.pk}/api/cast"
    loader = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.bench_elections", "load", str(port), path,
         str(work / "codes"), str(work / "out.json"), str(CONCURRENCY), "60"], cwd=REPO,
    )  # fmt: skip
    deadline = time.time() + 120
    while mixing.cast_count(election) < DURABILITY_BALLOTS // 3:
        if time.time() > deadline:
            raise RuntimeError("the load did not get going")
        time.sleep(0.2)
    before = mixing.cast_count(election)
    _stop(server, signal.SIGKILL)  # master and workers, mid-request (and mid-mix)
    print(f"durability: SIGKILL of gunicorn after {before:,} ballots; restarting")
    server = _start_server(port)
    try:
        loader.wait(timeout=600)
    finally:
        _stop(server)
    report = json.loads((work / "out.json").read_text())
    acknowledged = report["acknowledged"]
    mixing.mix(election, final=True)  # as the count does: every ballot out of the seal
    stored = set(Receipt.objects.filter(election=election).values_list("receipt", flat=True))
    ballots = Receipt.objects.filter(election=election).count()
    records = VoteRecord.objects.filter(election=election).count()
    missing = [r for r in acknowledged.values() if r not in stored]
    twice = (
        VoteRecord.objects.filter(election=election).values("roll_entry")
        .annotate(n=Count("id")).filter(n__gt=1).count()
    )  # fmt: skip
    ok = not missing and not twice and ballots == records and len(stored) == ballots
    print(f"  acknowledged {len(acknowledged):,}, stored {ballots:,} ballots and {records:,} "
          f"vote records ({ballots - len(acknowledged)} committed but their answer lost in the "
          f"kill; retried, they were refused as already cast); acknowledged but missing: "
          f"{len(missing)}; voters twice: {twice}; "
          f"statuses {report['statuses']} -> {'OK' if ok else 'FAILED'}")  # fmt: skip
    if not ok:
        raise AssertionError("durability check failed")


def million(org) -> None:
    from collections import Counter

    from django.db import connection, transaction

    from mutualise.audit import services as audit
    from mutualise.elections import mixing, services
    from mutualise.elections.lifecycle import State
    from mutualise.elections.models import Ballot, Election, RollEntry, SealedBallot, VoteRecord
    from mutualise.elections.sealed import MIXED_ACTION

    started = time.perf_counter()
    _clone_members(org, "public-north-tyneside", MILLION)
    election, table, _ = _open_election(org, "public-north-tyneside", candidates=10,
                                        credentials=False)  # fmt: skip
    # The roll, the marked register and the ballots are written in SQL: the measurement is
    # of the close, the count and the declaration, not of a million casts.
    rankings = [
        " ".join(str(1 + (a + k) % 10) for k in range(length))
        for a in range(10) for length in (1, 2, 3, 5, 10)
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RollEntry._meta.db_table} (organisation_id, election_id, member_id, "
            "member_number, added_late, removed, correction_reason) SELECT organisation_id, %s, "
            "id, number, false, false, '' FROM register_member WHERE organisation_id = %s AND "
            "constituency_id = %s",
            [election.pk, org.pk, election.constituency_id],
        )
        cursor.execute(
            f"INSERT INTO {VoteRecord._meta.db_table} (id, organisation_id, election_id, "
            f"roll_entry_id, channel) SELECT gen_random_uuid(), organisation_id, election_id, id, "
            f"'internet' FROM "
            f"{RollEntry._meta.db_table} WHERE election_id = %s ORDER BY random() LIMIT %s",
            [election.pk, MILLION],
        )
        cursor.execute(
            f"INSERT INTO {Ballot._meta.db_table} (id, organisation_id, election_id, receipt, "
            f"marks) SELECT gen_random_uuid(), %s, %s, '',"
            f" (%s::text[])[1 + floor(power(random(), 2) * %s)::int] "
            f"FROM generate_series(1, %s) g",
            [org.pk, election.pk, rankings, len(rankings), MILLION],
        )
        # Mixing included: what the mixer had not yet moved at the close (up to 3K in the
        # holding table) is sealed, and mixed by the count.
        k = mixing.batch_size(election)
        cursor.execute(
            f"DELETE FROM {Ballot._meta.db_table} WHERE id IN (SELECT id FROM "
            f"{Ballot._meta.db_table} WHERE election_id = %s LIMIT %s)",
            [election.pk, 3 * k],
        )
        cursor.execute(
            f"SELECT id FROM {VoteRecord._meta.db_table} WHERE election_id = %s LIMIT %s",
            [election.pk, 3 * k],
        )
        held = [row[0] for row in cursor.fetchall()]
        # What the mixer would have recorded for the ballots it had mixed: their keyed sum
        # (audit/batch_sums.py), which the count checks before it seals them.
        cursor.execute(
            f"SELECT marks, count(*) FROM {Ballot._meta.db_table} WHERE election_id = %s "
            "GROUP BY marks",
            [election.pk],
        )
        mixed = Counter(dict(cursor.fetchall()))
    with transaction.atomic():
        audit.record_batch(org, MIXED_ACTION, subject=election, actor="mixer",
                           contents=mixed)  # fmt: skip
    SealedBallot.objects.bulk_create(
        [SealedBallot(organisation_id=org.pk, election=election, sealed=mixing.seal_cast(rankings[i % len(rankings)],
                      f"R{i:013d}", record)) for i, record in enumerate(held)]
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    Election.objects.filter(pk=election.pk).update(
        state=State.POLL_OPEN, roll_frozen_on=date.today()
    )
    print(f"1M: built {MILLION:,} members, roll entries, vote records and ballots in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    started = time.perf_counter()
    after = table.close_of_poll + timedelta(minutes=1)
    services.transition(election, "close_poll", actor="bench", now=after)
    closed = time.perf_counter()
    services.transition(election, "count", actor="bench", now=after)
    counted = time.perf_counter()
    election = services.transition(election, "declare", actor="bench", now=after)
    declared = time.perf_counter()
    print(f"1M: close of poll to declared result {declared - started:.2f} s (target < 10): "
          f"close {closed - started:.2f} s, last mix + count {counted - closed:.2f} s, "
          f"declare {declared - counted:.2f} s; elected {election.result['elected_names']}")  # fmt: skip


def run() -> None:
    _fresh_database()
    from mutualise.cli import setup_django

    setup_django()
    org = _organisation()
    started = time.perf_counter()
    _clone_members(org, "public-newcastle", BALLOTS + PGBENCH_BALLOTS)
    _clone_members(org, "public-gateshead", DURABILITY_BALLOTS)
    print(f"set-up: {BALLOTS + PGBENCH_BALLOTS + DURABILITY_BALLOTS:,} members in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    http_casting(org)
    durability(org)
    million(org)


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run()
    elif sys.argv[1] == "load":
        load_main(*sys.argv[2:])
