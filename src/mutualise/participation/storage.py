"""Budget ballots' physical storage on SQLite: WITHOUT ROWID tables, as the elections app's are
(its storage.py says why: an ordinary table's rowid is the order of writing; a WITHOUT ROWID
table is a B-tree on its random key). The rebuild is shared (secrecy/storage.py); a test checks
the tables stay so after migrations."""

from __future__ import annotations

from mutualise.secrecy.storage import is_without_rowid, rebuild_without_rowid

SECRET_TABLES = (
    "participation_budgetvoterecord",
    "participation_heldbudgetballot",
    "participation_budgetballot",
)

__all__ = ["SECRET_TABLES", "is_without_rowid", "rebuild_without_rowid"]
