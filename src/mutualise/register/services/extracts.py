"""The register extract (CSV or XLSX, every cell neutralised: register/exports.py) made by the
worker as a job whose page offers the file: for a register too large to build in a request."""

from __future__ import annotations

from django.db import transaction

from mutualise.audit import services as audit
from mutualise.jobs import services as jobs

from ..errors import MemberError, require
from ..queries import active_members


def queue_export(organisation, fmt: str, *, actor=None):
    """Queue the extract in `fmt` (csv or xlsx) for the worker; returns the Job. A signed-in
    actor must be one who may see the register (the membership secretary or an administrator);
    the file is theirs to download from the job's page (jobs.services.download_output)."""
    # why: the task calls this verb: the one back-reference allowed (pyproject)
    from ..tasks import EXPORT_JOB, EXPORT_TYPES, export_register

    if fmt not in EXPORT_TYPES:
        raise MemberError(f"format: the register can be exported as csv or xlsx, not {fmt!r}")
    require(
        "register.export_register", actor, organisation,
        "Only the membership secretary or an administrator may export the register.",
    )  # fmt: skip
    with transaction.atomic():
        members = active_members(organisation).count()
        job = jobs.start(
            export_register, kind=EXPORT_JOB, label=f"The register as {fmt.upper()}",
            organisation=organisation, total=members, unit="members", actor=actor,
            subject=f"register:{fmt}", args=(organisation.pk, fmt),
        )  # fmt: skip
        audit.record(
            organisation, "members.export_queued", actor=actor,
            data={"format": fmt, "members": members, "job": job.pk},
        )  # fmt: skip
    return job
