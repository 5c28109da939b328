"""Importing a register: accepting a checked file, queued import jobs, population uploads."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from django.db import transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.jobs import services as jobs

from .. import checkproc
from ..bulkwrite import MemberWriter
from ..errors import MemberError
from ..importing import RegisterKeys, check_rows, resolve_mapping
from ..models import ImportBatch, Organisation, PendingImport, PopulationTable
from ..queries import today
from ..representation import parse_population
from ..tabular import TableError, read_table

# ---------------------------------------------------------------------------------------------
# Bulk import


def accept_import(
    organisation: Organisation,
    data: bytes,
    file_name: str,
    *,
    mapping: dict[str, str] | None = None,
    actor=None,
    on: date | None = None,
    progress=None,
    as_applicants: bool = False,
    before_commit=None,
):
    """Write the good rows of an import file the officer has previewed and accepted.

    Every row is checked again against the register as it is now, in one transaction: the
    good rows become admitted members (numbered in file order), rows already imported (same
    external reference) are skipped, and bad rows are left out and returned in the result for
    the officer to fix. Returns (ImportBatch, CheckResult). `progress(rows_checked)` is called
    as the file is worked through. With `as_applicants` (where the board admits) the people
    become applicants for the board to decide on, not members. `before_commit(batch, result)`
    runs last inside the import's transaction (what records the import's end commits with it).
    """

    on = on or today()
    if as_applicants and not organisation.constitution.membership.admission_by_board:
        raise MemberError(
            "this organisation's rulebook admits applicants automatically: import them as"
            " members, or change the rulebook first"
        )
    table = read_table(data, file_name)

    resolved = resolve_mapping(table.header, mapping)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        batch = ImportBatch.objects.create(
            organisation=organisation,
            file_name=Path(file_name).name[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            as_applicants=as_applicants,
            accepted_at=clock.now(),
            accepted_by=audit.actor_name(actor),
        )
        # Read everything the checker needs first: while the writer runs, the connection is its.
        register_keys = RegisterKeys.load(organisation)
        constitution = organisation.constitution
        expected_rows = 0 if data[:4] == b"PK\x03\x04" else data.count(b"\n")
        checking = (resolved, constitution, register_keys, on)
        status = {"as_applicants": as_applicants}
        if checkproc.usable(expected_rows):  # checks in a second process while this writes
            with (
                checkproc.CheckerProcess(table, *checking, report=progress is not None) as checker,
                MemberWriter(organisation, batch, expected_rows=expected_rows, **status) as writer,
            ):
                result = checker.collect(writer.add_columns, progress)
                batch.rows_created = writer.finish()
        else:
            with MemberWriter(organisation, batch, expected_rows=expected_rows, **status) as writer:
                result = check_rows(
                    table, *checking, on_ready=writer.add, keep_preview=False, progress=progress
                )
                batch.rows_created = writer.finish()
        batch.rows_total = result.rows_total
        batch.rows_already_present = result.rows_already_present
        batch.rows_rejected = result.rows_rejected
        batch.save()
        if result.opening_shares and not as_applicants:
            from ..signals import members_imported

            members_imported.send(
                sender=Organisation, organisation=organisation, batch=batch,
                opening_shares=result.opening_shares, on=on, actor=actor,
            )  # fmt: skip
        audit.record(
            organisation,
            "members.imported",
            actor=actor,
            subject=batch,
            data={
                "file_sha256": batch.file_sha256,
                "created": batch.rows_created,
                "already_present": batch.rows_already_present,
                "rejected": batch.rows_rejected,
                "as_applicants": as_applicants,
            },
        )
        if before_commit is not None:
            before_commit(batch, result)
    return batch, result


def upload_import(
    organisation: Organisation, data: bytes, file_name: str, *, mapping=None, actor=None
):
    """Keep an uploaded file for the preview; nothing about members is written yet."""

    with transaction.atomic():
        pending = PendingImport.objects.create(
            organisation=organisation,
            file_name=Path(file_name).name[:255],
            content=data,
            mapping=mapping or {},
            uploaded_by=audit.actor_name(actor),
        )
        # Personal data came in: say who brought it and how much (erasure can find it by id).
        audit.record(
            organisation, "import.uploaded", actor=actor, subject=pending, data={"bytes": len(data)}
        )
    return pending


def _expected_rows(pending) -> int:
    return max(bytes(pending.content).count(b"\n") - 1, 1)


def queue_import(pending, *, actor=None, as_applicants: bool = False):
    """Put an accepted upload's import on the worker's queue (`mutualise worker`), with a job
    whose progress any web worker can show. Returns the Job."""

    from ..tasks import import_members

    with transaction.atomic():
        locked = PendingImport.objects.select_for_update().get(pk=pending.pk)
        if locked.state != "uploaded":
            raise MemberError("this upload has already been accepted")
        job = jobs.start(
            import_members,
            kind="register.import",
            label=f"Importing {locked.file_name}",
            organisation=locked.organisation,
            total=_expected_rows(locked),
            unit="rows",
            actor=actor,
            args=(locked.pk, getattr(actor, "pk", None), as_applicants),
        )
        locked.state, locked.job = "queued", job
        locked.save(update_fields=["state", "job"])
        audit.record(
            locked.organisation,
            "members.import_queued",
            actor=actor,
            subject=locked,
            data={"file": locked.file_name, "job": job.pk, "as_applicants": as_applicants},
        )
    return job


def run_pending_import(pending_id: int, *, actor=None, as_applicants: bool = False, run=None):
    """Accept a previewed upload (in the request for a small file, or as the worker's job
    `run`): write it, keep only the rejected rows for download, and drop the file itself.
    The upload is marked done, and the job finished, in the import's own transaction: a
    worker killed half way leaves nothing written and the job to be retried (jobs/worker.py)."""

    pending = PendingImport.objects.get(pk=pending_id)
    if pending.state not in ("uploaded", "queued", "running"):
        raise MemberError(f"this upload is {pending.state}, not waiting to be imported")
    pending.state = "running"
    pending.rows_total = _expected_rows(pending)
    pending.save(update_fields=["state", "rows_total"])

    def finished(batch, result) -> None:
        PendingImport.objects.filter(pk=pending_id).update(
            state="done",
            batch=batch,
            content=b"",
            rows_done=result.rows_total,
            rows_total=result.rows_total,
            rejected_csv=result.rejected_csv() if result.rows_rejected else "",
        )
        if run is not None:
            run.job.total = result.rows_total
            run.finish(
                {"created": batch.rows_created, "rejected": batch.rows_rejected,
                 "already_present": batch.rows_already_present}
            )  # fmt: skip

    try:
        batch, _ = accept_import(
            pending.organisation,
            bytes(pending.content),
            pending.file_name,
            mapping=pending.mapping,
            actor=actor,
            progress=run.progress if run is not None else None,
            as_applicants=as_applicants,
            before_commit=finished,
        )
    except Exception as exc:  # shown on the progress page; nothing of the import was kept
        reason = str(exc) if isinstance(exc, TableError | MemberError) else "an internal error"
        PendingImport.objects.filter(pk=pending_id).update(state="failed", error=reason)
        raise
    return batch


def discard_import(pending, *, actor=None) -> None:
    """Delete an uploaded file the officer decided not to import (it holds personal data)."""
    with transaction.atomic():
        audit.record(
            pending.organisation,
            "members.import_discarded",
            actor=actor,
            subject=pending,
            data={"file": pending.file_name},
        )
        pending.delete()


def upload_population(organisation: Organisation, data: bytes, file_name: str, *, actor=None):
    """Store a population table (CSV: dimension, category, people) for the representativeness
    report. A bad file raises TableError naming the line and column; nothing is stored."""

    rows = parse_population(data, file_name)
    with transaction.atomic():
        table = PopulationTable.objects.create(
            organisation=organisation,
            name=Path(file_name).name[:200],
            rows=rows,
            uploaded_by=audit.actor_name(actor),
        )
        audit.record(
            organisation,
            "population.uploaded",
            actor=actor,
            subject=table,
            data={"rows": len(rows)},
        )
    return table
