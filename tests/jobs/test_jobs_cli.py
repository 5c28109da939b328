"""`mutualise jobs`: the latest jobs with a text progress bar; `--follow` one to its end."""

import pytest

from mutualise.cli import main
from mutualise.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_jobs_are_listed_with_a_bar_and_followed_to_their_end(capsys):
    Job.objects.create(kind="x", label="Importing big.csv", state="running", done=45, total=100,
                       unit="rows")  # fmt: skip
    failed = Job.objects.create(kind="x", label="Counting", state="failed", error="row 3: bad")
    assert main(["jobs"]) == 0
    out = capsys.readouterr().out
    assert "Importing big.csv" in out and "[#########...........]  45%  45 of 100 rows" in out
    assert main(["jobs", "--follow", str(failed.pk)]) == 1
    captured = capsys.readouterr()
    assert "Counting: failed" in captured.out and "row 3: bad" in captured.err
    assert main(["jobs", "--follow", "999999"]) == 2
