"""The register extract as the worker's job: started by the membership secretary from the
register's pages, its progress shown, the file downloaded from the job's page (audited) with
every cell neutralised; no one else may start it or fetch it."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from mutualise.audit.models import AuditEvent
from mutualise.jobs.models import Job
from mutualise.jobs.worker import run_queued
from mutualise.register import services
from mutualise.register.errors import NotPermitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_the_secretary_exports_the_register_through_the_worker(officer_client, org):
    for name in ("=cmd|' /C calc'!A0", "Ann Ash"):
        services.join(org, display_name=name, date_of_birth=date(1990, 1, 1), postcode="NE1 1AA")
    nav = officer_client.get(f"/o/{org.slug}/members/").content.decode()
    assert f'action="/o/{org.slug}/members/export/"' in nav
    response = officer_client.post(f"/o/{org.slug}/members/export/", {"format": "csv"})
    job = Job.objects.get(kind="register.export")
    assert response["Location"] == f"/o/{org.slug}/jobs/{job.pk}/"
    assert (job.total, job.unit) == (2, "members")
    assert AuditEvent.objects.filter(action="members.export_queued").count() == 1
    run_queued()
    job.refresh_from_db()
    assert job.state == "done"
    download = officer_client.get(f"/o/{org.slug}/jobs/{job.pk}/file")
    text = download.content.decode("utf-8-sig")
    assert download["Content-Disposition"] == f'attachment; filename="{org.slug}-register.csv"'
    assert "'=cmd" in text and "Ann Ash" in text and len(text.splitlines()) == 3
    officer_client.post(f"/o/{org.slug}/members/export/", {"format": "xlsx"})
    run_queued()
    xlsx = Job.objects.filter(kind="register.export").latest("pk")
    assert officer_client.get(f"/o/{org.slug}/jobs/{xlsx.pk}/file").content[:2] == b"PK"


def test_a_bad_format_is_said_plainly(officer_client, org):
    response = officer_client.post(f"/o/{org.slug}/members/export/", {"format": "pdf"})
    assert response.status_code == 400 and b"csv or xlsx" in response.content
    assert not Job.objects.exists()


def test_no_one_else_starts_or_fetches_it(org, client):
    stranger = get_user_model().objects.create_user("stranger", password="x" * 20)
    with pytest.raises(NotPermitted, match="membership secretary"):
        services.queue_export(org, "csv", actor=stranger)
    job = services.queue_export(org, "csv", actor="test")
    run_queued()
    client.force_login(stranger)
    assert client.get(f"/o/{org.slug}/jobs/{job.pk}/file").status_code == 403
