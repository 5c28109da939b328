"""Set-wise writes for runs that touch every member at once (interest, surplus): the parts are
loaded into a temporary table (COPY on PostgreSQL) and posted with a few INSERT ... SELECT and
UPDATE ... FROM statements, instead of a model instance and an audit event per member. The run
writes one audit event carrying `postings_sha256`, a digest of every posting, which
`postings_digest` recomputes from the ledger later."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from django.db import connection

PARTS = "stake_run_parts"


def digest(lines: Iterable[str]) -> str:
    """SHA-256 of the postings, one "member:pence" line each, in membership-number order."""
    return hashlib.sha256("".join(f"{line}\n" for line in lines).encode()).hexdigest()


def load_parts(rows: Sequence[tuple[int, int]]) -> None:
    """(id, pence) rows into a temporary table for this transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE {PARTS} (id bigint PRIMARY KEY, pence bigint NOT NULL) "
                "ON COMMIT DROP"
            )
            text = "".join(f"{i}\t{p}\n" for i, p in rows)
            with cursor.cursor.copy(f"COPY {PARTS} (id, pence) FROM STDIN") as copy:
                copy.write(text)
            cursor.execute(f"ANALYZE {PARTS}")
        else:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{PARTS}")
            cursor.execute(
                f"CREATE TEMP TABLE {PARTS} (id integer PRIMARY KEY, pence integer NOT NULL)"
            )
            cursor.executemany(f"INSERT INTO {PARTS} (id, pence) VALUES (%s, %s)", rows)


def drop_parts() -> None:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{PARTS}")


def post_interest_parts(
    *, organisation_id, run_id, ceiling, on, recorded_at, recorded_by, reference
) -> int:
    """Credit each part (keyed by share account) as an interest movement where the member still
    holds shares and it keeps them within `ceiling`; the rest are recorded as paid out
    (InterestPayment). Returns how many were credited."""
    ceiling = ceiling if ceiling is not None else 2**62
    columns = (
        'organisation_id, account_id, kind, amount_pence, balance_after_pence, "on", '
        "recorded_at, recorded_by, counterpart_id, reference, note"
    )
    paid = "organisation_id, run_id, member_id, amount_pence, movement_id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the UPDATE locks each account it credits, so the balance after
            # stored on the movement is the balance the account holds.
            cursor.execute(
                f"""WITH credited AS (
                    UPDATE stake_shareaccount a SET balance_pence = a.balance_pence + p.pence
                    FROM {PARTS} p
                    WHERE a.id = p.id AND a.organisation_id = %(org)s AND a.balance_pence > 0
                      AND a.balance_pence + p.pence <= %(ceiling)s
                    RETURNING a.id, p.pence, a.balance_pence),
                moved AS (
                    INSERT INTO stake_movement ({columns})
                    SELECT %(org)s, id, 'interest', pence, balance_pence, %(on)s, %(at)s,
                           %(by)s, NULL, %(ref)s, '' FROM credited),
                out AS (
                    INSERT INTO stake_interestpayment ({paid})
                    SELECT %(org)s, %(run)s, a.member_id, p.pence, NULL
                    FROM {PARTS} p JOIN stake_shareaccount a ON a.id = p.id
                    WHERE p.id NOT IN (SELECT id FROM credited))
                SELECT count(*) FROM credited""",
                {"org": organisation_id, "ceiling": ceiling, "on": on, "at": recorded_at,
                 "by": recorded_by, "ref": reference, "run": run_id},
            )  # fmt: skip
            return cursor.fetchone()[0]
        cursor.execute(
            f"""INSERT INTO stake_movement ({columns})
            SELECT %s, a.id, 'interest', p.pence, a.balance_pence + p.pence, %s, %s, %s, NULL,
                   %s, ''
            FROM {PARTS} p JOIN stake_shareaccount a ON a.id = p.id
            WHERE a.organisation_id = %s AND a.balance_pence > 0
              AND a.balance_pence + p.pence <= %s""",
            [organisation_id, on, recorded_at, recorded_by, reference, organisation_id, ceiling],
        )
        credited = cursor.rowcount
        moved = (
            "SELECT account_id FROM stake_movement WHERE reference = %s AND organisation_id = %s"
        )
        cursor.execute(
            f"""INSERT INTO stake_interestpayment ({paid})
            SELECT %s, %s, a.member_id, p.pence, NULL
            FROM {PARTS} p JOIN stake_shareaccount a ON a.id = p.id
            WHERE p.id NOT IN ({moved})""",
            [organisation_id, run_id, reference, organisation_id],
        )
        cursor.execute(
            f"""UPDATE stake_shareaccount SET balance_pence = balance_pence + (
                    SELECT pence FROM {PARTS} p WHERE p.id = stake_shareaccount.id)
            WHERE id IN ({moved})""",
            [reference, organisation_id],
        )
        return credited


def pence_days(organisation_id, start, end) -> list[tuple[int, int, int]]:
    """(share account, membership number, pence-days held in [start, end]) for every account
    with a movement by `end`, in membership-number order: each movement counts its amount for
    every day from the later of its day and `start` to `end` (money.pence_days, set-wise)."""
    ops = connection.ops
    if connection.vendor == "postgresql":
        held = 'm.amount_pence * (%(end)s::date - GREATEST(m."on", %(start)s::date) + 1)'
        total = f"SUM({held})::bigint"
    else:
        held = (
            'm.amount_pence * (CAST(julianday(%(end)s) - julianday(MAX(m."on", %(start)s))'
            " AS INTEGER) + 1)"
        )
        total = f"SUM({held})"
    sql = f"""SELECT a.id, mem.number, {total}
        FROM stake_movement m JOIN stake_shareaccount a ON a.id = m.account_id
        JOIN register_member mem ON mem.id = a.member_id
        WHERE m.organisation_id = %(org)s AND m."on" <= %(end)s
        GROUP BY a.id, mem.number ORDER BY mem.number"""
    with connection.cursor() as cursor:
        cursor.execute(sql, {"org": organisation_id, "start": ops.adapt_datefield_value(start),
                             "end": ops.adapt_datefield_value(end)})  # fmt: skip
        return cursor.fetchall()


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Many rows of plain integers into `table`: COPY on PostgreSQL, executemany elsewhere."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            text = "".join("\t".join(map(str, row)) + "\n" for row in rows)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                copy.write(text)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
