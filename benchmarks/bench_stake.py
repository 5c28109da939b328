"""Interest and an equal-percentage bonus for 1,000,000 members on PostgreSQL: each under 5 s,
every total exact, printed beside a plain SQL `UPDATE ... SET` of the same rows in the same run.

Two organisations, written with INSERT ... SELECT generate_series: a community energy co-op whose
members hold shares (one allotment each, a fifth of them joining during the year, so interest is
per day held), and an employee-owned partnership whose partners' pay comes from a payroll CSV
file of 1,000,000 rows (generated in memory). Timed, each the median of RUNS and each rolled back:
- interest: `services.post_interest` at 3% for the year, preview and posting in one call: pence
  per day held in one GROUP BY, largest remainder in Python integers, the parts COPYed to a
  temporary table and credited in one UPDATE ... FROM with the movements inserted from its
  RETURNING, one audit event with the digest;
- its peer: `UPDATE stake_shareaccount SET balance_pence = balance_pence + 1` for the same rows;
- bonus: `services.preview_surplus` with 11% of pay from the CSV (parse, check, split, COPY the
  payments), then approve and post (the digest re-read from the database);
- its peer: `UPDATE stake_surpluspayment SET amount_pence = basis_pence * 11 / 100` for the same
  rows.

Environment: MUTUALISE_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432),
MUTUALISE_BENCH_STAKE_DATABASE (default mutualise_bench_stake), MUTUALISE_BENCH_MEMBERS (1,000,000).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from fractions import Fraction

POSTGRES = os.environ.get("MUTUALISE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("MUTUALISE_BENCH_STAKE_DATABASE", "mutualise_bench_stake")
MEMBERS = int(os.environ.get("MUTUALISE_BENCH_MEMBERS", "1000000"))
RUNS = 3
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
TARGET_S = 5.0


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
    os.environ.setdefault("MUTUALISE_AUDIT_KEY", "bench-" + "k" * 40)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return True


def _members(org) -> None:
    """MEMBERS admitted members of `org`, numbered 1.., in one INSERT ... SELECT."""
    from django.db import connection

    from mutualise.register.models import Member

    fixed = {
        "organisation_id": str(org.pk),
        "number": "n",
        "status": "'admitted'",
        "constituency_id": f"'{org.constitution.constituencies[0].id}'",
        "display_name": "'Member ' || n",
        "address": "n || ' High Street'",
        "postcode": "'AB1 2CD'",
        "applied_on": "DATE '2024-02-01'",
        "admitted_on": "DATE '2024-02-01'",
        "created_at": "now()",
    }
    columns, values = [], []
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
            f"SELECT {', '.join(values)} FROM generate_series(1, %s) AS n",
            [MEMBERS],
        )


def _populate():
    from django.db import connection, transaction

    from mutualise.register import services as register

    with transaction.atomic():
        energy = register.create_from_model(
            model="community-energy-coop", name="Bench Energy", slug="bench-energy", actor="bench"
        )
        partners = register.create_from_model(
            model="employee-owned-partnership", name="Bench Partners", slug="bench-partners",
            actor="bench",
        )  # fmt: skip
        _members(energy)
        _members(partners)
        with connection.cursor() as cursor:
            # One allotment each: 250 to 10,249 GBP; every fifth member joins during 2025.
            cursor.execute(
                "INSERT INTO stake_shareaccount (organisation_id, member_id, balance_pence, "
                "opened_on) SELECT organisation_id, id, 25000 + (number %% 10000) * 100, "
                "CASE WHEN number %% 5 = 0 THEN DATE '2025-01-01' + (number %% 365)::int "
                "ELSE DATE '2024-02-01' END FROM register_member WHERE organisation_id = %s",
                [energy.pk],
            )
            cursor.execute(
                "INSERT INTO stake_movement (organisation_id, account_id, kind, amount_pence, "
                'balance_after_pence, "on", recorded_at, recorded_by, reference, note) '
                "SELECT organisation_id, id, 'allotment', balance_pence, balance_pence, "
                "opened_on, now(), 'bench', '', '' FROM stake_shareaccount"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    payroll = "Membership number,Name,Gross pay\n" + "".join(
        f"{n},Partner {n},{15000 + n % 40000}.{n % 100:02d}\n" for n in range(1, MEMBERS + 1)
    )
    return energy, partners, payroll


def _timed(work):
    """Median seconds over RUNS, each run rolled back; and the last run's result."""
    from django.db import transaction

    times, result = [], None
    for _ in range(RUNS):
        with transaction.atomic():
            started = time.perf_counter()
            result = work()
            # The foreign keys are checked at commit: check them here, inside the time.
            _sql("SET CONSTRAINTS ALL IMMEDIATE", [])
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return statistics.median(times), result


def _sql(statement: str, params) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def main() -> None:
    if not _fresh_database():
        return
    started = time.perf_counter()
    energy, partners, payroll = _populate()
    print(
        f"populated 2 organisations of {MEMBERS:,} members in {time.perf_counter() - started:.1f} s"
    )
    from django.db.models import Sum

    from mutualise.stake import services
    from mutualise.stake.models import InterestPayment, Movement, SurplusPayment

    def interest():
        run, preview = services.post_interest(energy, Fraction(3, 100), *YEAR, actor="bench")
        credited = (
            Movement.objects.filter(reference=f"interest-run-{run.pk}").aggregate(
                s=Sum("amount_pence")
            )["s"]
            or 0
        )
        paid = InterestPayment.objects.filter(run=run).aggregate(s=Sum("amount_pence"))["s"] or 0
        return run.total_pence, credited + paid, len(preview.by_member)

    def interest_peer():
        return _sql(
            "UPDATE stake_shareaccount SET balance_pence = balance_pence + 1 "
            "WHERE organisation_id = %s", [energy.pk],
        )  # fmt: skip

    def bonus():
        run = services.preview_surplus(
            partners, year_ending=date(2026, 1, 31), surplus_pence=10**12,
            pots={}, bonus_rate=Fraction(11, 100), payroll=payroll, actor="bench",
        )  # fmt: skip
        services.approve_surplus(run, approved_on=date(2026, 3, 1), reference="bench")
        services.post_surplus(run)
        pot = run.pots.get(use="equal-percentage-of-pay")
        paid = SurplusPayment.objects.filter(pot=pot).aggregate(s=Sum("amount_pence"))["s"]
        return pot.amount_pence, paid, pot.payments.count(), pot.pk

    interest_s, (total, posted, holders) = _timed(interest)
    peer_s, rows = _timed(interest_peer)
    exact = "exact" if total == posted else f"NOT EXACT ({posted} posted)"
    print(f"interest: {interest_s:.2f} s (median of {RUNS}) for {holders:,} members, "
          f"total {total:,}p, {exact}")  # fmt: skip
    print(f"  peer UPDATE ... SET of the same {rows:,} accounts: {peer_s:.2f} s; "
          f"ratio {interest_s / peer_s:.1f}x")  # fmt: skip
    bonus_s, (cost, paid, payments, _) = _timed(bonus)
    # The peer needs the payments in place: post one run for good, then update its rows.
    cost, paid, payments, pot_id = bonus()
    bonus_peer_s, rows = _timed(lambda: _sql(
        "UPDATE stake_surpluspayment SET amount_pence = basis_pence * 11 / 100 "
        "WHERE pot_id = %s", [pot_id]))  # fmt: skip
    exact = "exact" if cost == paid else f"NOT EXACT ({paid} paid)"
    print(f"bonus (11% of pay from a {len(payroll) / 1e6:.0f} MB payroll CSV): {bonus_s:.2f} s "
          f"(median of {RUNS}) for {payments:,} partners, cost {cost:,}p, {exact}")  # fmt: skip
    print(f"  peer UPDATE ... SET of the same {rows:,} payments: {bonus_peer_s:.2f} s; "
          f"ratio {bonus_s / bonus_peer_s:.1f}x")  # fmt: skip
    load = os.getloadavg()[0]
    for name, seconds in (("interest", interest_s), ("bonus", bonus_s)):
        verdict = "PASS" if seconds < TARGET_S else "FAIL"
        print(f"target {name} under {TARGET_S:.0f} s on PostgreSQL: {verdict} ({load:.1f} load)")


if __name__ == "__main__":
    main()
