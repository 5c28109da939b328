"""Physical storage that keeps ballots secret on SQLite: WITHOUT ROWID tables.

An ordinary SQLite table stores rows by an integer rowid given in order of insertion, so any copy
of the file (or `.dump`) lists rows in the order they were written. A WITHOUT ROWID table is a
B-tree on its primary key: with random UUID keys its rows sit, and are dumped, in the order of
those random keys. Django cannot declare such a table, so each app's migration rebuilds its secret tables (listed
in the app's own storage.py) with these helpers; a later
migration that makes Django remake the table would lose it, and a test checks it is still so.
"""

from __future__ import annotations


def is_without_rowid(connection, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        row = cursor.fetchone()
    return bool(row) and row[0].rstrip().upper().endswith("WITHOUT ROWID")


def rebuild_without_rowid(connection, table: str) -> None:
    """Rebuild `table` (keyed by a non-integer primary key) as a WITHOUT ROWID table, keeping
    its rows and indexes. SQLite only; a no-op if it is one already."""
    if connection.vendor != "sqlite" or is_without_rowid(connection, table):
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        (create,) = cursor.fetchone()
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        scratch = f"{table}__without_rowid"
        cursor.execute(create.replace(f'"{table}"', f'"{scratch}"', 1) + " WITHOUT ROWID")
        cursor.execute(f'INSERT INTO "{scratch}" SELECT * FROM "{table}" ORDER BY 1')
        cursor.execute(f'DROP TABLE "{table}"')
        cursor.execute(f'ALTER TABLE "{scratch}" RENAME TO "{table}"')
        for index in indexes:
            cursor.execute(index)
