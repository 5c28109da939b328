"""A job's page: progress while it runs (a refresh, no script needed), then its file to
download, only for those its kind allows, each download audited; the file can be deleted.
And the SQLite side database that carries progress out of a running transaction."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from mutualise.audit.models import AuditEvent
from mutualise.jobs import progress
from mutualise.jobs import services as jobs
from mutualise.jobs.models import Job, JobOutput
from mutualise.jobs.worker import run_queued
from mutualise.register import services as register

try:
    from django.tasks import task
except ImportError:
    from django_tasks import task

pytestmark = pytest.mark.django_db


@task()
def make_file(job_id: int, text: str):
    from django.db import transaction

    with jobs.running(job_id) as run, transaction.atomic():
        jobs.save_output(run, file_name="out.csv", content_type="text/csv", content=text.encode())
        run.finish({"summary": f"{len(text)} characters written"})


jobs.kind(
    "test.file",
    may_view=lambda user, job: user.username == "owner",
    back=lambda job: f"/o/{job.organisation.slug}/",
)


@pytest.fixture
def setup(client):
    org = register.create_from_model(model="co-operative-society", name="Jobs Coop", actor="t")
    users = get_user_model().objects
    owner = users.create_user("owner", password="x" * 20)
    other = users.create_user("other", password="x" * 20)
    job = jobs.start(make_file, kind="test.file", label="Making a file", organisation=org,
                     total=3, args=("a,b",))  # fmt: skip
    return org, owner, other, job


def test_the_page_shows_progress_then_the_file(setup, client):
    org, owner, other, job = setup
    url = f"/o/{org.slug}/jobs/{job.pk}/"
    client.force_login(other)
    assert client.get(url).status_code == 403
    assert client.get(url + "file").status_code == 403
    client.force_login(owner)
    waiting = client.get(url).content.decode()
    assert "Waiting for the worker" in waiting and 'http-equiv="refresh"' in waiting
    assert "<progress" in waiting and "style=" not in waiting
    assert client.get(url + "status").json()["state"] == "queued"
    assert client.get(url + "file").status_code == 403  # nothing yet
    run_queued()
    done = client.get(url).content.decode()
    assert "Finished" in done and "3 characters written" in done and "Download out.csv" in done
    assert 'http-equiv="refresh"' not in done
    response = client.get(url + "file")
    assert response.status_code == 200 and response.content == b"a,b"
    assert response["Content-Disposition"] == 'attachment; filename="out.csv"'
    event = AuditEvent.objects.get(action="job.file_downloaded")
    assert event.data["file"] == "out.csv" and JobOutput.objects.get().downloads == 1
    client.post(url + "file/delete")
    assert not JobOutput.objects.exists()
    assert AuditEvent.objects.filter(action="job.file_deleted").count() == 1
    assert client.get(url + "file").status_code == 403


def test_a_job_of_an_unknown_kind_is_shown_to_no_one(setup, client):
    org, owner, other, job = setup
    Job.objects.filter(pk=job.pk).update(kind="test.unknown")
    client.force_login(owner)
    assert client.get(f"/o/{org.slug}/jobs/{job.pk}/").status_code == 403


def test_progress_from_an_open_transaction_reaches_readers_through_the_side_database(
    tmp_path, monkeypatch
):
    path = tmp_path / "db.sqlite3-progress"
    monkeypatch.setattr(progress, "side_path", lambda: path)
    job = Job.objects.create(kind="x", label="x", state="running", total=10)
    writer = progress.SideWriter(path)
    writer.write(job.pk, {"done": 4, "total": 12})
    seen = progress.live(Job.objects.get(pk=job.pk))
    assert (seen.done, seen.total) == (4, 12)
    writer.forget(job.pk)
    writer.close()
    assert progress.live(Job.objects.get(pk=job.pk)).done == 0
