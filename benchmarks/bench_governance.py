"""The governance health check over 1,000 organisations holding 1,000,000 members in all, on
PostgreSQL: target under 2 s, in a constant number of set-based queries (printed).

The install is synthetic and written with INSERT ... SELECT generate_series: organisations on
four model rulebooks, 1,000 members each (some without an address), a full board and an
office per organisation, one closed AGM with attendance, and some deliberate faults (too few
members, no AGM, an appointed chair) so that findings are computed, not skipped. The peer,
timed in the same run, is the cheapest set-based read of the same register: members counted
per organisation in one GROUP BY; the ratio says what the whole health check costs beside it.

Environment: MUTUALISE_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432),
MUTUALISE_BENCH_GOVERNANCE_DATABASE (default mutualise_bench_governance),
MUTUALISE_BENCH_ORGANISATIONS (1000) and MUTUALISE_BENCH_MEMBERS (1,000,000 in all).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta

POSTGRES = os.environ.get("MUTUALISE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("MUTUALISE_BENCH_GOVERNANCE_DATABASE", "mutualise_bench_governance")
ORGANISATIONS = int(os.environ.get("MUTUALISE_BENCH_ORGANISATIONS", "1000"))
MEMBERS = int(os.environ.get("MUTUALISE_BENCH_MEMBERS", "1000000"))
MODELS = ["co-operative-society", "community-benefit-society", "housing-coop", "supporters-trust"]
TODAY = date(2026, 5, 1)
RUNS = 5


def _fresh_database() -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL unreachable at {POSTGRES}: skipped ({exc})")
        return False
    os.environ["DATABASE_URL"] = f"{POSTGRES}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings_dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return True


def _populate() -> None:
    from django.db import connection, transaction

    from mutualise.constitution import load_text, model_path
    from mutualise.governance import checks
    from mutualise.governance.checks.meetings import agm_due
    from mutualise.governance.models import OfficeHolding
    from mutualise.meetings.models import Meeting
    from mutualise.register.models import ConstitutionVersion, Member, Organisation

    founded = datetime(2024, 1, 1, 9, tzinfo=UTC)
    texts = {m: model_path(m).read_text(encoding="utf-8") for m in MODELS}
    rulebooks = {m: load_text(texts[m], m) for m in MODELS}
    # Each model's AGM a week before the deadline that passed last, its board's elected seats.
    agm_on = {
        m: agm_due(c, checks.Facts(today=TODAY, founded_on=founded.date()))[0] - timedelta(days=7)
        for m, c in rulebooks.items()
    }
    seats = {
        m: (c.bodies[0].id, next(g.id for g in c.bodies[0].seats if g.filled_by == "elected"))
        for m, c in rulebooks.items()
    }
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            Organisation(slug=f"org-{i:04d}", name=f"Organisation {i}", model_slug=MODELS[i % 4])
            for i in range(ORGANISATIONS)
        )
        Organisation.objects.update(created_at=founded)
        ConstitutionVersion.objects.bulk_create(
            ConstitutionVersion(
                organisation=o,
                number=1,
                source_name=f"{o.model_slug}.yaml",
                source_text=texts[o.model_slug],
                sha256=o.model_slug,
                adopted_at=founded,
                adopted_by="bench",
            )
            for o in orgs
        )
        # The last 10 organisations have 2 members each (REG-1); the rest share the others.
        sizes = [2] * 10
        rest = MEMBERS - sum(sizes)
        base, extra = divmod(rest, ORGANISATIONS - 10)
        sizes = [base + (1 if i < extra else 0) for i in range(ORGANISATIONS - 10)] + sizes
        columns, values = [], []
        fixed = {
            "organisation_id": "s.org_id",
            "number": "n",
            "status": "'admitted'",
            "constituency_id": "'members'",
            "display_name": "'Member ' || n",
            "address": "CASE WHEN n %% 997 = 0 THEN '' ELSE n || ' High Street' END",
            "postcode": "'AB1 2CD'",
            "applied_on": "DATE '2024-02-01'",
            "admitted_on": "DATE '2024-02-01'",
            "created_at": "now()",
        }
        for field in Member._meta.concrete_fields:
            if field.primary_key:
                continue
            columns.append(field.column)
            if field.attname in fixed:
                values.append(fixed[field.attname])
            elif field.null:
                values.append("NULL")
            elif field.get_internal_type() == "BooleanField":
                values.append("false")
            elif field.get_internal_type() == "JSONField":
                values.append("'[]'::jsonb" if field.default is list else "'{}'::jsonb")
            else:
                values.append(f"'{field.default}'" if isinstance(field.default, str) else "''")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Member._meta.db_table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM unnest(%s::int[], %s::int[]) AS s(org_id, size) "
                "CROSS JOIN LATERAL generate_series(1, s.size) AS n",
                [[o.pk for o in orgs], sizes],
            )
            cursor.execute(
                "INSERT INTO register_membershipperiod "
                "(organisation_id, member_id, constituency_id, class_id, started_on) "
                "SELECT organisation_id, id, constituency_id, class_id, admitted_on "
                "FROM register_member"
            )
        holdings = []
        meetings = []
        for i, org in enumerate(orgs):
            held = agm_on[org.model_slug]
            if i % 50 != 7:  # every 50th organisation has never held an AGM (MTG-1)
                meetings.append(
                    Meeting(
                        organisation=org,
                        kind="agm",
                        title="AGM",
                        state="closed",
                        starts_at=datetime(held.year, held.month, held.day, 18, tzinfo=UTC),
                        notice_given_on=held - timedelta(days=20),
                        financial_year=held.year,
                    )
                )
            body_id, group_id = seats[org.model_slug]
            for n in range(5):
                holdings.append(
                    OfficeHolding(
                        organisation=org,
                        body_id=body_id,
                        seat_group_id=group_id,
                        holder_name=f"Director {n}",
                        address="1 Row",
                        how="elected",
                        chosen_by="AGM",
                        started_on=date(2025, 6, 1),
                        recorded_at=founded,
                        recorded_by="bench",
                    )
                )
        Meeting.objects.bulk_create(meetings)
        OfficeHolding.objects.bulk_create(holdings)
        with connection.cursor() as cursor:
            # 300 members checked in at each AGM (quorate everywhere: 25% of 1,000 is 250)
            cursor.execute(
                "INSERT INTO meetings_attendance "
                "(organisation_id, meeting_id, member_id, mode, registered_at, checked_in_at) "
                "SELECT m.organisation_id, m.id, p.id, 'in-person', now(), now() "
                "FROM meetings_meeting m JOIN register_member p "
                "ON p.organisation_id = m.organisation_id AND p.number <= 300"
            )
    with connection.cursor() as cursor:  # a settled install: statistics and visibility map
        cursor.execute("VACUUM ANALYZE")


def _timed(work) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, result = [], 0, None
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = work()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(times), queries, result


def main() -> None:
    if not _fresh_database():
        return
    started = time.perf_counter()
    _populate()
    from django.db import connection

    from mutualise.governance import checks, services
    from mutualise.register.models import Member

    members = Member.objects.count()
    print(
        f"populated {ORGANISATIONS:,} organisations, {members:,} members in "
        f"{time.perf_counter() - started:.1f} s"
    )

    def health():
        return services.health_all(today=TODAY)

    def peer():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT organisation_id, count(*) FROM register_member "
                "WHERE status = 'admitted' GROUP BY organisation_id"
            )
            return cursor.fetchall()

    health_s, health_queries, results = _timed(health)
    peer_s, _, _ = _timed(peer)
    serious = sum(1 for found in results.values() if checks.serious(found))
    ids = sorted({f.id for found in results.values() for f in found})
    print(
        f"health check: {health_s:.3f} s (median of {RUNS}), {health_queries} queries, "
        f"{len(results):,} organisations, {serious} with a serious finding ({', '.join(ids)})"
    )
    print(f"peer (members per organisation, one GROUP BY): {peer_s:.3f} s")
    print(f"ratio health / peer: {health_s / peer_s:.1f}x")
    verdict = "PASS" if health_s < 2.0 else "FAIL"
    print(f"target under 2 s on PostgreSQL: {verdict} ({os.getloadavg()[0]:.1f} load)")


if __name__ == "__main__":
    main()
