"""The questions job pages ask of a job answer from its state as the templates compared them
before (issue 20, item 2)."""

from mutualise.jobs.lifecycle import State
from mutualise.jobs.models import Job


def test_a_job_says_whether_it_succeeded_failed_or_waits_to_start():
    for state in State:
        job = Job(state=state.value)
        assert job.succeeded is (state.value == "done")
        assert job.has_failed is (state.value == "failed")
        assert job.waiting_to_start is (state.value == "queued")
        assert job.finished is (job.succeeded or job.has_failed)
