"""Physical storage that keeps ballots secret on SQLite: WITHOUT ROWID tables.

An ordinary SQLite table stores rows by an integer rowid given in order of insertion, so any copy
of the file (or `.dump`) lists rows in the order they were written. A WITHOUT ROWID table is a
B-tree on its primary key: with random UUID keys its rows sit, and are dumped, in the order of
those random keys. Django cannot declare such a table, so the migration rebuilds it; a later
migration that makes Django remake the table would lose it, and a test checks it is still so.
"""

from __future__ import annotations

from mutualise.secrecy.storage import is_without_rowid, rebuild_without_rowid

SECRET_TABLES = (
    "elections_ballot",
    "elections_receipt",
    "elections_sealedballot",
    "elections_voterecord",
)

__all__ = ["SECRET_TABLES", "is_without_rowid", "rebuild_without_rowid"]
