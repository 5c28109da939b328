"""Importing a register: accepting a checked file, queued import jobs, population uploads."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from django.db import transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.jobs import services as jobs

from .. import checkproc, holding
from .. import import_lifecycle as lifecycle
from ..bulkwrite import MemberWriter
from ..errors import MemberError, require
from ..importing import RegisterKeys, check_rows, resolve_mapping
from ..models import ImportBatch, Organisation, PendingImport, PopulationTable
from ..queries import today
from ..representation import parse_population
from ..signals import members_imported
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
    job=None,
):
    """Write the good rows of an import file the officer has previewed and accepted.

    Every row is checked again against the register as it is now, and written in one
    transaction (PostgreSQL), or on SQLite in short committed chunks into a holding table
    made members in one short final transaction (`register/holding.py`, so votes cast
    meanwhile are not kept waiting for the whole import): either way the good rows become,
    all at once, admitted members (numbered in file order), rows already imported (same
    external reference) are skipped, and bad rows are left out and returned in the result for
    the officer to fix. Returns (ImportBatch, CheckResult). `progress(rows_checked)` is called
    as the file is worked through. With `as_applicants` (where the board admits) the people
    become applicants for the board to decide on, not members. `before_commit(batch, result)`
    runs last inside the import's (final) transaction: what records the import's end commits
    with it. `job`, the worker's job running it, ties the holding to it (a retry starts afresh).
    """
    _may_import(actor, organisation)

    on = on or today()
    if as_applicants and not organisation.constitution.membership.admission_by_board:
        raise MemberError(
            "this organisation's rulebook admits applicants automatically: import them as"
            " members, or change the rulebook first"
        )
    table = read_table(data, file_name)

    resolved = resolve_mapping(table.header, mapping)
    imported = _Import(organisation, data, file_name, table, resolved, on, as_applicants, progress)

    def recorded(batch, result) -> None:
        _record(imported, batch, result, actor, before_commit)

    if holding.applies():
        return _through_holding(imported, recorded, job=job)
    return _in_one_transaction(imported, recorded)


class _Import:
    """What an import is given, once read."""

    def __init__(self, organisation, data: bytes, file_name, table, resolved, on, as_applicants,
                 progress):  # fmt: skip
        self.organisation, self.data, self.table = organisation, data, table
        self.file_name = file_name
        self.resolved, self.on, self.as_applicants = resolved, on, as_applicants
        self.progress = progress
        self.expected_rows = 0 if data[:4] == b"PK\x03\x04" else data.count(b"\n")

    def new_batch(self, actor) -> ImportBatch:
        return ImportBatch.objects.create(
            organisation=self.organisation,
            file_name=Path(self.file_name).name[:255],
            file_sha256=hashlib.sha256(self.data).hexdigest(),
            as_applicants=self.as_applicants,
            accepted_at=clock.now(),
            accepted_by=audit.actor_name(actor),
        )

    def in_second_process(self) -> bool:
        """Whether a second process checks while this one writes (checkproc.py): decided
        before the writer's thread exists, as a fork must be."""
        return checkproc.usable(self.expected_rows)

    def check(self, register_keys, writer, in_second_process: bool):
        """Check every row, handing the good ones to `writer` (entered here, after the
        checking process has forked): returns the CheckResult."""
        checking = (self.resolved, self.organisation.constitution, register_keys, self.on)
        if in_second_process:
            report = self.progress is not None
            checker = checkproc.CheckerProcess(self.table, *checking, report=report)
            with checker, writer:
                result = checker.collect(writer.add_columns, self.progress)
                writer.finish()
            return result
        with writer:
            result = check_rows(
                self.table, *checking, on_ready=writer.add, keep_preview=False,
                progress=self.progress,
            )  # fmt: skip
            writer.finish()
        return result


def _in_one_transaction(imported: _Import, recorded):
    """PostgreSQL (or inside a caller's transaction): one transaction, written by COPY or
    batched inserts (bulkwrite.py). On PostgreSQL the organisation is locked FOR NO KEY
    UPDATE: that serialises its imports and keeps it from deletion, but not from the foreign
    key checks (FOR KEY SHARE) of rows inserted meanwhile, so votes are cast beside an import."""
    organisation = imported.organisation
    with transaction.atomic():
        Organisation.objects.select_for_update(no_key=True).get(pk=organisation.pk)
        batch = imported.new_batch(None)
        # Read everything the checker needs first: while the writer runs, the connection is its.
        register_keys = RegisterKeys.load(organisation)
        status = {"as_applicants": imported.as_applicants, "expected_rows": imported.expected_rows}
        writer = MemberWriter(organisation, batch, **status)
        result = imported.check(register_keys, writer, imported.in_second_process())
        batch.rows_created = writer.written
        recorded(batch, result)
    return batch, result


def _through_holding(imported: _Import, recorded, *, job=None):
    """SQLite: the checked rows go into the holding table in short committed chunks, then one
    short final transaction makes them members (register/holding.py)."""
    organisation = imported.organisation
    held = holding.begin(organisation, job=job)
    try:
        members_since = holding.highest_member_id()
        register_keys = RegisterKeys.load(organisation)
        in_second_process = imported.in_second_process()
        # Checked here, the rows are written between rows, not by a thread: a writer thread
        # waiting for Python's lock while this thread checks would hold SQLite's.
        writer = holding.HoldingWriter(held, threaded=in_second_process)
        result = imported.check(register_keys, writer, in_second_process)
        with transaction.atomic():
            Organisation.objects.select_for_update().get(pk=organisation.pk)
            batch = imported.new_batch(None)
            moved = holding.apply(
                held, batch, as_applicants=imported.as_applicants, members_since=members_since
            )
            batch.rows_created = moved["created"]
            result.rows_already_present += moved["already_present"]
            recorded(batch, result)
    finally:
        holding.discard_quietly(held.pk)
    return batch, result


def _record(imported: _Import, batch, result, actor, before_commit) -> None:
    """The end of an import, inside its final transaction: the batch's counts, opening
    holdings, the audit event and what the caller records with it."""
    organisation, as_applicants = imported.organisation, imported.as_applicants
    batch.accepted_by = audit.actor_name(actor)
    batch.rows_total = result.rows_total
    batch.rows_already_present = result.rows_already_present
    batch.rows_rejected = result.rows_rejected
    batch.save()
    if result.opening_shares and not as_applicants:
        members_imported.send(
            sender=Organisation, organisation=organisation, batch=batch,
            opening_shares=result.opening_shares, on=imported.on, actor=actor,
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


def upload_import(
    organisation: Organisation, data: bytes, file_name: str, *, mapping=None, actor=None
):
    """Keep an uploaded file for the preview; nothing about members is written yet."""
    _may_import(actor, organisation)

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
    _may_import(actor, pending.organisation)

    # why: the task calls this verb: the one back-reference allowed (pyproject)
    from ..tasks import import_members

    with transaction.atomic():
        locked = PendingImport.objects.select_for_update().get(pk=pending.pk)
        allowed, reason = lifecycle.check("queue", lifecycle.ImportFacts.of(locked))
        if not allowed:
            raise MemberError(reason)
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
        locked.state, locked.job = lifecycle.MOVES["queue"].target, job
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
    _may_import(actor, pending.organisation)
    allowed, reason = lifecycle.check("run", lifecycle.ImportFacts.of(pending))
    if not allowed:
        raise MemberError(reason)
    pending.state = lifecycle.MOVES["run"].target
    pending.rows_total = _expected_rows(pending)
    pending.save(update_fields=["state", "rows_total"])

    def finished(batch, result) -> None:
        PendingImport.objects.filter(pk=pending_id).update(
            state=lifecycle.MOVES["finish"].target,
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
            job=run.job if run is not None else None,
        )
    except Exception as exc:  # shown on the progress page; nothing of the import was kept
        reason = str(exc) if isinstance(exc, TableError | MemberError) else "an internal error"
        PendingImport.objects.filter(pk=pending_id).update(
            state=lifecycle.MOVES["fail"].target, error=reason
        )
        raise
    return batch


def discard_import(pending, *, actor=None) -> None:
    """Delete an uploaded file the officer decided not to import (it holds personal data)."""
    _may_import(actor, pending.organisation)
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
    _may_import(actor, organisation)

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


def _may_import(actor, organisation: Organisation) -> None:
    """Imports (members or population figures) are the membership secretary's
    (`register.import_members`); a string actor (the CLI) or None (the system) is trusted."""
    require(
        "register.import_members",
        actor,
        organisation,
        f"Only the membership secretary of {organisation.name} can import members.",
    )
