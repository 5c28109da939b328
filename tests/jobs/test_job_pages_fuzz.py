"""Issue 11.5 for deleting a job's file: whatever is posted with it, by whoever may see the job
and by whoever may not, never gives a 500; someone who may not see the job deletes nothing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from post_fuzz import FUZZ, form, has_nul, post
from test_job_pages import setup  # noqa: F401 (the fixture: an organisation, its job, two users)

from mutualise.jobs.models import JobOutput
from mutualise.jobs.worker import run_queued

pytestmark = pytest.mark.django_db
COVERS = ("jobs:delete_file",)


@FUZZ
@given(data=form(["confirm", "next", "file"]), owner=st.booleans(), pk=st.integers(0, 10**6))
def test_deleting_a_jobs_file_never_fails(client, setup, data, owner, pk):  # noqa: F811
    org, owner_user, other, job = setup
    if not JobOutput.objects.filter(job=job).exists():
        run_queued()  # the first time: the worker makes the file
    client.force_login(owner_user if owner else other)
    answer = post(client, f"/o/{org.slug}/jobs/{job.pk}/file/delete", data)
    assert owner or has_nul(data) or answer.status_code == 403
    post(client, f"/o/{org.slug}/jobs/{pk}/file/delete", data)
