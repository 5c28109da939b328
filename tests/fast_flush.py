"""After each transactional test on PostgreSQL, empty only the tables the test wrote to.

Django's flush TRUNCATEs every table of the project (about 150) after every transactional test
(`django_db(transaction=True)`, the live server's tests). On PostgreSQL a TRUNCATE makes new files
for each table and each of its indexes: half a second a test on a quiet 2-core machine, and
3-4 s under make test's two passes, several minutes of the PostgreSQL pass. Here the flush asks
which tables hold any row (one query) and DELETEs from those only, in one transaction with
every constraint deferred (Django makes PostgreSQL's foreign keys DEFERRABLE INITIALLY
DEFERRED, so the order does not matter). What is left is what Django's flush leaves: every table
empty, then its post-migrate content types and permissions made again. A flush that resets
sequences (`reset_sequences=True`) keeps Django's TRUNCATE ... RESTART IDENTITY.
"""

from django.db.backends.postgresql.operations import DatabaseOperations

_truncate_every_table = DatabaseOperations.sql_flush


def _delete_from_tables_with_rows(
    self, style, tables, *, reset_sequences=False, allow_cascade=False
):
    if reset_sequences or not tables:
        return _truncate_every_table(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    quoted = {table: self.quote_name(table) for table in tables}
    with self.connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quoted[table]})" for table in tables
            ),
            list(tables),
        )
        written = [row[0] for row in cursor.fetchall()]
    if not written:
        return []
    return ["SET CONSTRAINTS ALL DEFERRED;"] + [f"DELETE FROM {quoted[t]};" for t in written]


def install() -> None:
    DatabaseOperations.sql_flush = _delete_from_tables_with_rows
