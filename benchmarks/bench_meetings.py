"""5,000 members voting online on one resolution within 60 s, against gunicorn on PostgreSQL.

The server is `gunicorn mutualise.web.wsgi` on its own PostgreSQL database; the load comes from
a second process (this file run with --load) that paces the votes evenly over 55 s through 32
keep-alive connections, each vote a real signed-in POST. Targets: the 5,000 votes done within
60 s, p99 under 250 ms, and the declared tally equal to the votes the server acknowledged.
The peer, measured the same way in the same run, is the app's cheapest page (/healthz): the
ratio says how much of a vote's time is the vote itself.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mutualise_bench_meetings).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "5000"))
SPREAD_SECONDS = float(os.environ.get("BENCH_SPREAD", "55"))
CONNECTIONS = 32
PEER_REQUESTS = 1_000
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mutualise_bench_meetings"
)
REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "mutualise.web.settings_dev",
        "MUTUALISE_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def _fresh_database() -> None:
    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = DATABASE_URL.replace(url.path, "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [str(VENV_BIN / "mutualise"), "manage", "migrate", "--noinput", "-v", "0"],
        env=_env(),
        check=True,
    )


def _prepare() -> dict:
    """An organisation with 5,000 signed-in members at an online meeting, one poll open."""
    os.environ.update(_env())
    import django

    django.setup()
    from datetime import date, timedelta

    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from mutualise.meetings import services
    from mutualise.register import services as register
    from mutualise.register.models import Member, MembershipPeriod

    org = register.create_from_model(model="co-operative-society", name="Bench Co-op", slug="bench")
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"member{i}", password="!unusable") for i in range(MEMBERS)
    )
    joined = date(2025, 1, 1)
    constituency = org.constitution.constituencies[0].id
    # Set up straight in the register's tables: 5,000 join() calls would be the benchmark.
    members = Member.objects.bulk_create(
        Member(
            organisation=org,
            number=i + 1,
            status=Member.Status.ADMITTED,
            constituency_id=constituency,
            display_name=f"Member {i + 1}",
            applied_on=joined,
            admitted_on=joined,
            user=user,
        )
        for i, user in enumerate(users)
    )
    MembershipPeriod.objects.bulk_create(
        MembershipPeriod(
            organisation=org, member=m, constituency_id=constituency, started_on=joined
        )
        for m in members
    )
    now = timezone.now()
    meeting = services.create_meeting(
        org, kind="general", title="Bench meeting", starts_at=now, online=True
    )
    resolution = services.add_resolution(
        meeting, title="Solar roof", text="...", kind_id="ordinary", method="poll"
    )
    services.call_meeting(meeting, now=now - timedelta(days=30))
    services.open_meeting(meeting, now=now)
    services.check_in_many(meeting, members, mode="online")
    services.open_vote(resolution)
    backend = "django.contrib.auth.backends.ModelBackend"
    store = SessionStore()
    expiry = now + timedelta(days=1)
    sessions = []
    keys = []
    for user in users:
        key = secrets.token_hex(16)
        data = {SESSION_KEY: str(user.pk), "_auth_user_backend": backend}
        data[HASH_SESSION_KEY] = user.get_session_auth_hash()
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expiry)
        )
        keys.append(key)
    Session.objects.bulk_create(sessions)
    return {"meeting": meeting.pk, "resolution": resolution.pk, "sessions": keys}


def _start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "mutualise.web.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("BENCH_WORKERS", "5"),
            "--worker-class",
            "gthread",
            "--threads",
            os.environ.get("BENCH_THREADS", "1"),
            "--log-level",
            "warning",
        ],
        env=_env(),
        cwd=REPO,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start within 30 s")


def _server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by gunicorn's master and workers, from /proc: a
    figure other load on the machine does not inflate, unlike latency."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if server.pid in (pid, ppid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


# --- the load process -----------------------------------------------------------------------


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def run_load(port: int, path: str, jobs: list[dict], spread: float) -> dict:
    """Send each job at its even share of `spread` seconds; return latencies and answers."""
    import http.client

    latencies: list[float] = []
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()
    started = time.perf_counter()
    interval = spread / len(jobs)
    cursor = iter(enumerate(jobs))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                break
            index, job = item
            wait = started + index * interval - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            if job.get("body") is None:
                conn.request("GET", path, headers={"Accept": "text/plain"})
            else:
                token = job["csrf"]
                conn.request(
                    "POST",
                    path,
                    body=job["body"],
                    headers={
                        "Cookie": f"sessionid={job['session']}; csrftoken={token}",
                        "X-CSRFToken": token,
                        "Accept": "application/json",
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
            response = conn.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - sent
            with lock:
                latencies.append(elapsed)
                answers.append(
                    (
                        response.status,
                        job.get("choice", "")
                        if response.status == 200 and b"receipt" in payload
                        else "",
                    )
                )
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "wall": time.perf_counter() - started,
        "latencies": latencies,
        "acknowledged": [choice for status, choice in answers if choice],
        "statuses": sorted({status for status, _ in answers}),
    }


def _load_main(argv: list[str]) -> None:
    spec = json.loads(Path(argv[0]).read_text())
    result = run_load(spec["port"], spec["path"], spec["jobs"], spec["spread"])
    Path(argv[1]).write_text(json.dumps(result))


def _load_from_second_process(port, path, jobs, spread, workdir: Path) -> dict:
    spec, out = workdir / "load.json", workdir / "result.json"
    spec.write_text(json.dumps({"port": port, "path": path, "jobs": jobs, "spread": spread}))
    subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_meetings", "--load", str(spec), str(out)],
        cwd=REPO,
        check=True,
    )
    return json.loads(out.read_text())


def _summary(name: str, result: dict) -> dict:
    lat = [x * 1000 for x in result["latencies"]]
    figures = {
        "n": len(lat),
        "wall_s": result["wall"],
        "p50": _percentile(lat, 50),
        "p95": _percentile(lat, 95),
        "p99": _percentile(lat, 99),
        "max": max(lat),
    }
    print(
        f"{name}: {figures['n']} requests in {figures['wall_s']:.1f} s; latency ms "
        f"p50 {figures['p50']:.1f}  p95 {figures['p95']:.1f}  p99 {figures['p99']:.1f}  "
        f"max {figures['max']:.1f}; statuses {result['statuses']}",
        flush=True,
    )
    return figures


def main() -> None:
    import tempfile

    started = time.perf_counter()
    _fresh_database()
    setup = _prepare()
    print(
        f"setup: {MEMBERS} members signed in at an online meeting in {time.perf_counter() - started:.1f} s"
    )
    port = _free_port()
    server = _start_server(port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            # Warm every worker (imports, static file index, database connections) first.
            run_load(port, "/healthz", [{} for _ in range(200)], 2.0)
            peer_jobs = [{} for _ in range(PEER_REQUESTS)]
            peer = _summary(
                "peer /healthz",
                _load_from_second_process(port, "/healthz", peer_jobs, 10.0, workdir),
            )
            choices = ["for", "against", "abstain"]
            jobs = []
            for i, session in enumerate(setup["sessions"]):
                choice = choices[(i * 7) % 5 % 3]
                token = secrets.token_hex(16)  # 32 characters: a CSRF secret
                jobs.append(
                    {
                        "session": session,
                        "csrf": token,
                        "choice": choice,
                        "body": f"r1-choice={choice}",
                    }
                )
            path = f"/o/bench/meetings/{setup['meeting']}/resolutions/1/vote"
            cpu_before = _server_cpu_seconds(server)
            result = _load_from_second_process(port, path, jobs, SPREAD_SECONDS, workdir)
            cpu_per_vote = (_server_cpu_seconds(server) - cpu_before) / MEMBERS
            votes = _summary("votes", result)
            print(
                f"server CPU per vote: {cpu_per_vote * 1000:.1f} ms (gunicorn processes; the load "
                f"average was {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    from mutualise.meetings import services
    from mutualise.meetings.models import Resolution

    resolution = Resolution.objects.get(pk=setup["resolution"])
    declared = services.declare_result(resolution)
    acknowledged = {c: result["acknowledged"].count(c) for c in ("for", "against", "abstain")}
    tally = {
        "for": declared.votes_for,
        "against": declared.votes_against,
        "abstain": declared.abstentions,
    }
    print(f"acknowledged {sum(acknowledged.values())}: {acknowledged}")
    print(f"declared tally: {tally}; {declared.result_reason}")
    print(
        f"ratio vote/peer: p50 {votes['p50'] / peer['p50']:.1f}x, p99 {votes['p99'] / peer['p99']:.1f}x"
    )
    checks = {
        f"all {MEMBERS} votes within 60 s": votes["n"] == MEMBERS and votes["wall_s"] <= 60,
        "p99 < 250 ms": votes["p99"] < 250,
        "declared tally = acknowledged votes": tally == acknowledged
        and sum(acknowledged.values()) == MEMBERS,
    }
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if not all(checks.values()):
        raise AssertionError("meetings benchmark missed a target")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load"]:
        _load_main(sys.argv[2:])
    else:
        main()
