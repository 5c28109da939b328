"""Budget ballots' physical storage on SQLite: WITHOUT ROWID tables, as the elections app's are
(its storage.py says why: an ordinary table's rowid is the order of writing; a WITHOUT ROWID
table is a B-tree on its random key). Participation may not import elections (they are sibling
layers), so the few lines are here too; a test checks the tables stay so after migrations."""

from __future__ import annotations

SECRET_TABLES = (
    "participation_budgetvoterecord",
    "participation_heldbudgetballot",
    "participation_budgetballot",
)


def is_without_rowid(connection, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        row = cursor.fetchone()
    return bool(row) and row[0].rstrip().upper().endswith("WITHOUT ROWID")


def rebuild_without_rowid(connection, table: str) -> None:
    """Rebuild `table` (keyed by a non-integer primary key) WITHOUT ROWID, keeping its rows and
    indexes. SQLite only; a no-op if it is one already."""
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
