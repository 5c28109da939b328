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


@pytest.mark.parametrize(
    "args, said",
    [
        (["jobs", "--limit", "-5"], "--limit: '-5' is not a whole number above 0"),  # a traceback
        (["jobs", "--limit", "0"], "--limit: '0' is not a whole number above 0"),
        (["worker", "--interval", "-1"], "--interval: '-1' is not a number of seconds"),
        (["worker", "--interval", "nan"], "--interval: 'nan' is not a number of seconds"),
        (["worker", "--max-tasks", "-1"], "--max-tasks: '-1' is not a whole number above 0"),
        (["worker", "--queues", "mail,"], "--queues: 'mail,' has an empty queue name"),
        (["worker", "--stale-after", "0"], "--stale-after: '0' is not a whole number above 0"),
    ],
)
def test_bad_arguments_are_refused_in_one_line(args, said, capsys):
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_jobs_of_an_organisation_that_does_not_exist_says_so(capsys):
    assert main(["jobs", "--organisation", "nowhere"]) == 2
    assert "there is no organisation 'nowhere'" in capsys.readouterr().err
