"""A pause point for the worker tests, honoured only where the settings ask for it.

`MUTUALISE_TEST_PAUSE_JOB = "KIND:N"` (set by `settings_dev` from the environment variable of
the same name; the production settings never set it) stops the first attempt of a job of that
kind once its work reports N done: the progress is written where others can see it, a marker
file `VAR_DIR/job-<id>-paused.json` says how far the work had got and that it was inside its
transaction, and the worker then waits there to be killed (tests/jobs/test_worker_kill.py).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection


def _spec() -> tuple[str, int] | None:
    spec = getattr(settings, "MUTUALISE_TEST_PAUSE_JOB", "")
    if not spec:
        return None
    kind, _, at = spec.rpartition(":")
    return kind, int(at)


def pause_point(run, done: int) -> None:
    spec = _spec()
    if spec is None or run.job.kind != spec[0] or done < spec[1] or run.job.attempts != 1:
        return
    run.job.done = done
    run._write({"done": done})
    marker = Path(settings.VAR_DIR) / f"job-{run.job.pk}-paused.json"
    facts = {
        "done": done,
        "total": run.job.total,
        "in_transaction": connection.in_atomic_block,
        "pid": os.getpid(),
    }
    partial = marker.with_suffix(".part")
    partial.write_text(json.dumps(facts))
    partial.replace(marker)  # whole, or not there at all
    while True:  # until killed
        time.sleep(1)
