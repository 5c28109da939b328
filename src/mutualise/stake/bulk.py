"""Set-wise writes for runs that touch every member at once (interest, surplus): the parts are
loaded into a temporary table (COPY on PostgreSQL) and posted with a few INSERT ... SELECT and
UPDATE ... FROM statements, instead of a model instance and an audit event per member. The run
writes one audit event carrying `postings_sha256`, a digest of every posting, which
`postings_digest` recomputes from the ledger later."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import IntegrityError, connection

PARTS = "stake_run_parts"


def digest(lines: Iterable[str]) -> str:
    """SHA-256 of the postings, one "member:pence" line each, in membership-number order."""
    text = "\n".join(lines)
    return hashlib.sha256((text + "\n" if text else "").encode()).hexdigest()


def load_parts(rows: Sequence[tuple[int, ...]], columns: Sequence[str] = ("id", "pence")) -> None:
    """Rows of integers, keyed by their first column, into a temporary table for this
    transaction."""
    typed = ", ".join(f"{c} bigint NOT NULL" for c in columns)
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A second load in one transaction (a preview, then the posting) replaces the first.
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{PARTS}")
            cursor.execute(
                f"CREATE TEMP TABLE {PARTS} ({typed}, PRIMARY KEY ({columns[0]})) ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY {PARTS} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"ANALYZE {PARTS}")
        else:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{PARTS}")
            cursor.execute(f"CREATE TEMP TABLE {PARTS} ({typed}, PRIMARY KEY ({columns[0]}))")
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {PARTS} ({names}) VALUES ({marks})", rows)


def numbers_not_on_register(organisation_id) -> list[int]:
    """The membership numbers among the loaded parts that the register does not hold."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT p.id FROM {PARTS} p LEFT JOIN register_member m
                ON m.organisation_id = %s AND m.number = p.id
            WHERE m.id IS NULL ORDER BY p.id""",
            [organisation_id],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_payments(organisation_id, pot_id) -> None:
    """The loaded parts (membership number, basis, pence) as the pot's payments."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO stake_surpluspayment
                (organisation_id, pot_id, member_id, basis_pence, amount_pence)
            SELECT %s, %s, m.id, p.basis, p.pence
            FROM {PARTS} p JOIN register_member m ON m.organisation_id = %s AND m.number = p.id""",
            [organisation_id, pot_id, organisation_id],
        )


def payments_digest(run_id) -> str:
    """`digest` of a surplus run's payments as "use:number:pence", pot then number order;
    computed by PostgreSQL where it can be, so a million rows do not cross the wire."""
    lines = """SELECT t.use || ':' || m.number || ':' || p.amount_pence AS line
        FROM stake_surpluspayment p JOIN stake_surpluspot t ON t.id = p.pot_id
        JOIN register_member m ON m.id = p.member_id WHERE t.run_id = %s"""
    order = "t.position, m.number"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""SELECT encode(sha256(convert_to(coalesce(string_agg(
                        t.use || ':' || m.number || ':' || p.amount_pence || E'\\n', ''
                        ORDER BY {order}), ''), 'UTF8')), 'hex')
                FROM stake_surpluspayment p JOIN stake_surpluspot t ON t.id = p.pot_id
                JOIN register_member m ON m.id = p.member_id WHERE t.run_id = %s""",
                [run_id],
            )
            return cursor.fetchone()[0]
        cursor.execute(f"{lines} ORDER BY {order}", [run_id])
        return digest(line for (line,) in cursor.fetchall())


def drop_parts() -> None:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{PARTS}")


def post_interest_parts(
    *,
    organisation_id,
    run_id,
    ceiling,
    on,
    recorded_at,
    recorded_by,
    reference,
    members_may_choose=False,
    credit_by_default=True,
) -> int:
    """Credit each part (keyed by share account) as an interest movement where the member wants
    it credited (their choice if the rules let them choose, else the rules' default), still
    holds shares and it keeps them within `ceiling`; the rest are recorded as paid out
    (InterestPayment). Returns how many were credited."""  # fmt: skip
    ceiling = ceiling if ceiling is not None else 2**62
    # Literals from two booleans, not input: the member's stored choice is compared in SQL.
    default = "TRUE" if credit_by_default else "FALSE"
    wants_credit = (
        f"(CASE a.interest_choice WHEN 'credit' THEN TRUE WHEN 'pay' THEN FALSE ELSE {default} END)"
        if members_may_choose
        else default
    )
    columns = (
        'organisation_id, account_id, kind, amount_pence, balance_after_pence, "on", '
        "recorded_at, recorded_by, counterpart_id, reference, note"
    )
    paid = "organisation_id, run_id, member_id, amount_pence, movement_id"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the UPDATE locks each account it credits, so the balance after
            # stored on the movement is the balance the account holds.
            set_based = _may_switch_off_row_triggers(cursor)
            if set_based:  # the foreign keys are proved below, set-wise (as register.bulkwrite)
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                f"""WITH credited AS (
                    UPDATE stake_shareaccount a SET balance_pence = a.balance_pence + p.pence
                    FROM {PARTS} p
                    WHERE a.id = p.id AND a.organisation_id = %(org)s AND a.balance_pence > 0
                      AND a.balance_pence + p.pence <= %(ceiling)s AND {wants_credit}
                    RETURNING a.id, p.pence, a.balance_pence),
                moved AS (
                    INSERT INTO stake_movement ({columns})
                    SELECT %(org)s, id, 'interest', pence, balance_pence, %(on)s, %(at)s,
                           %(by)s, NULL, %(ref)s, '' FROM credited),
                out AS (
                    INSERT INTO stake_interestpayment ({paid})
                    SELECT %(org)s, %(run)s, a.member_id, p.pence, NULL
                    FROM {PARTS} p JOIN stake_shareaccount a ON a.id = p.id
                    LEFT JOIN credited c ON c.id = p.id WHERE c.id IS NULL)
                SELECT count(*) FROM credited""",
                {"org": organisation_id, "ceiling": ceiling, "on": on, "at": recorded_at,
                 "by": recorded_by, "ref": reference, "run": run_id},
            )  # fmt: skip
            credited = cursor.fetchone()[0]
            if set_based:
                cursor.execute("SET LOCAL session_replication_role = origin")
                _prove_interest_keys(cursor, organisation_id, run_id)
            return credited
        cursor.execute(
            f"""INSERT INTO stake_movement ({columns})
            SELECT %s, a.id, 'interest', p.pence, a.balance_pence + p.pence, %s, %s, %s, NULL,
                   %s, ''
            FROM {PARTS} p JOIN stake_shareaccount a ON a.id = p.id
            WHERE a.organisation_id = %s AND a.balance_pence > 0
              AND a.balance_pence + p.pence <= %s AND {wants_credit}""",
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


def _may_switch_off_row_triggers(cursor) -> bool:
    """Whether this role may set session_replication_role (register/bulkwrite.py says why)."""
    if not getattr(settings, "MUTUALISE_IMPORT_SET_BASED_CHECKS", True):
        return False
    if connection.pg_version >= 150000:
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    else:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


def _prove_interest_keys(cursor, organisation_id, run_id) -> None:
    """What the switched-off foreign-key triggers would have checked for an interest posting.
    Each movement's account is a row the same statement updated (so it exists and is locked
    until commit) and its organisation the one locked here; each paid-out part's run was
    created in this transaction, and its member is locked here against deletion."""
    cursor.execute(
        "SELECT id FROM register_organisation WHERE id = %s FOR KEY SHARE", [organisation_id]
    )
    organisations = len(cursor.fetchall())
    cursor.execute(
        "SELECT id FROM stake_interestrun WHERE id = %s AND organisation_id = %s FOR KEY SHARE",
        [run_id, organisation_id],
    )
    runs = len(cursor.fetchall())
    cursor.execute("SELECT count(*) FROM stake_interestpayment WHERE run_id = %s", [run_id])
    paid = cursor.fetchone()[0]
    cursor.execute(
        """SELECT count(*) FROM (SELECT m.id FROM register_member m
            JOIN stake_interestpayment p ON p.member_id = m.id
            WHERE p.run_id = %s AND m.organisation_id = %s FOR KEY SHARE OF m) AS locked""",
        [run_id, organisation_id],
    )
    members = cursor.fetchone()[0]
    if (organisations, runs, members) != (1, 1, paid):
        raise IntegrityError(
            f"interest run {run_id}: the set-wise posting does not match its foreign keys "
            f"(organisation {organisations}, run {runs}, members {members} of {paid})"
        )


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
