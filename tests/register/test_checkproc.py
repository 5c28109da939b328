"""Checking in a second process gives exactly what checking in this one gives, and a checker
that fails or dies leaves nothing written. SQLite only: PostgreSQL never forks a checker
(checkproc.usable), so there is no second path there to compare."""

import os
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from mutualise.register import checkproc, services
from mutualise.register.models import ImportBatch, Member, MembershipPeriod
from mutualise.register.tabular import TableError

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the forked checker is used on SQLite only"
)
ON = date(2026, 6, 1)
BAD_ROWS = Path(__file__).parent / "data" / "bad_rows.csv"


@pytest.fixture
def in_a_second_process(monkeypatch):
    started = []
    original = checkproc.CheckerProcess.__init__

    def init(self, *args, **kwargs):
        started.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(checkproc, "usable", lambda expected_rows: True)
    monkeypatch.setattr(checkproc.CheckerProcess, "__init__", init)
    return started


def _outcome(organisation, data: bytes):
    progress: list[int] = []
    batch, result = services.accept_import(
        organisation, data, "f.csv", on=ON, progress=progress.append
    )
    members = list(
        Member.objects.filter(import_batch=batch)
        .order_by("number")
        .values_list(
            "number", "external_ref", "display_name", "date_of_birth", "postcode", "email",
            "constituency_id", "class_id", "attestations", "admitted_on", "name_key",
        )
    )  # fmt: skip
    problems = [(p.row, p.column, p.reason, p.kind) for p in result.problems]
    counts = (batch.rows_total, batch.rows_created, batch.rows_rejected, batch.rows_already_present)
    return members, problems, counts, result.rejected_csv(), progress


@sqlite_only
def test_a_second_process_checks_exactly_as_this_one(org, monkeypatch, in_a_second_process):
    data = BAD_ROWS.read_bytes()
    monkeypatch.setattr(checkproc, "BATCH", 2)  # several batches through the pipe
    there = _outcome(org, data)
    assert in_a_second_process == [1]
    twin = services.create_organisation(
        name="Twin FT",
        constitution_text=org.current_version.source_text,
        source_name="ft.yaml",
        slug="twin",
    )
    monkeypatch.setattr(checkproc, "usable", lambda expected_rows: False)
    here = _outcome(twin, data)
    assert in_a_second_process == [1]  # the twin was checked in this process
    assert there[0] == here[0] and there[1:] == here[1:]
    members, problems, counts, rejected, progress = there
    assert counts == (27, 5, 22, 0) and len(problems) == 22  # no one on the register yet
    assert progress and progress[-1] == 27
    assert MembershipPeriod.objects.filter(member__organisation=org).count() == 5


@sqlite_only
def test_a_file_that_breaks_in_the_second_process_is_refused_whole(org, in_a_second_process):
    huge = "x" * 200_000  # longer than the csv module's field limit
    data = f"Name,DOB,Postcode\nA One,1990-01-01,NE1 1AA\n{huge},1990-01-01,NE1 1AB\n".encode()
    with pytest.raises(TableError, match="line 3"):
        services.accept_import(org, data, "f.csv", on=ON)
    assert in_a_second_process == [1]
    assert not Member.objects.exists() and not ImportBatch.objects.exists()


@sqlite_only
def test_a_checker_that_dies_leaves_nothing(org, monkeypatch, in_a_second_process):
    monkeypatch.setattr(checkproc, "check_rows", lambda *a, **k: os._exit(3))
    data = b"Name,DOB,Postcode\nA One,1990-01-01,NE1 1AA\n"
    with pytest.raises(checkproc.CheckerFailed, match="exit code 3"):
        services.accept_import(org, data, "f.csv", on=ON)
    assert not Member.objects.exists() and not ImportBatch.objects.exists()


def test_small_files_and_threaded_callers_check_in_this_process(monkeypatch):
    assert not checkproc.usable(checkproc.MIN_ROWS - 1)
    assert checkproc.usable(10**6) is (connection.vendor == "sqlite")
    monkeypatch.setattr(checkproc.threading, "active_count", lambda: 2)
    assert not checkproc.usable(10**6)
