"""The register's pages: join, my membership, and the membership secretary's pages."""

from __future__ import annotations

from . import browse
from .browse import add_member, import_template
from .common import DATE_PARTS, officer_required
from .imports import (
    BACKGROUND_BYTES,
    BACKGROUND_ROWS,
    import_discard,
    import_preview,
    import_progress,
    import_rejected,
    import_status,
    import_upload,
    report,
)
from .members import export, export_job, member, member_action, member_data, member_edit, recheck
from .membership import join, join_done, my_data

# The list of members is browse.members; the submodule .members would shadow that name.
members = browse.members

__all__ = [
    "BACKGROUND_BYTES",
    "BACKGROUND_ROWS",
    "DATE_PARTS",
    "add_member",
    "export",
    "export_job",
    "import_discard",
    "import_template",
    "import_preview",
    "import_progress",
    "import_rejected",
    "import_status",
    "import_upload",
    "join",
    "join_done",
    "member",
    "member_action",
    "member_data",
    "member_edit",
    "members",
    "my_data",
    "officer_required",
    "recheck",
    "report",
]
