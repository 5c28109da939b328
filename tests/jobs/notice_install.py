"""Drives a separate install for the notice-job worker test (run as a script, in its own
process and database): `notice_install.py setup ROWS` imports ROWS members, calls a general
meeting and queues its notice job; `notice_install.py state` prints what the outbox holds."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path


def setup(rows: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # for benchmarks/
    from benchmarks.bench_register import make_file
    from mutualise import clock
    from mutualise.constitution import model_path
    from mutualise.jobs.worker import run_queued
    from mutualise.meetings import services as meetings
    from mutualise.meetings.tasks import queue_notice
    from mutualise.register import services

    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    text = text.replace("membership:\n", "membership:\n  admission_by_board: false\n", 1)
    org = services.create_organisation(
        name="Notice FT", constitution_text=text, source_name="ft.yaml", slug="notice-ft"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "members.csv"
        make_file(path, rows)
        pending = services.upload_import(org, path.read_bytes(), "members.csv")
    services.queue_import(pending, actor="secretary")
    run_queued()  # the import, here: the worker under test starts with the notice alone
    from mutualise.register.models import Member

    Member.objects.exclude(email="").update(contact_channel="email")  # as members chose
    meeting = meetings.create_meeting(
        org, kind="general", title="General meeting on the new constitution",
        starts_at=clock.now() + timedelta(days=60), place="The Hall", actor="secretary",
    )  # fmt: skip
    job = queue_notice(meeting, actor="secretary", meeting_url="https://example.org/m")
    return {"job": job.pk, "meeting": meeting.pk}


def state() -> dict:
    from django_tasks_db.models import DBTaskResult

    from mutualise.jobs.models import Job, JobOutput
    from mutualise.jobs.services import live
    from mutualise.mail.models import Message
    from mutualise.meetings.tasks import send_notice
    from mutualise.register.models import Member

    job = live(Job.objects.get(kind="meetings.notice"))
    notices = Message.objects.filter(reason="meeting-notice")
    output = JobOutput.objects.filter(job=job).first()
    return {
        "job": [job.state, job.attempts, job.done, job.total, job.error],
        "task": list(
            DBTaskResult.objects.filter(task_path=send_notice.module_path).values_list(
                "status", flat=True
            )
        ),
        "per_address": Counter(notices.values_list("to", flat=True)),
        "by_status": Counter(notices.values_list("status", flat=True)),
        "with_email": Member.objects.exclude(email="").count(),
        "members": Member.objects.count(),
        "letters": job.result.get("letters"),
        "letters_sealed": bool(output and output.sealed),
        "letters_plain": bool(output and bytes(output.content).startswith(b"%PDF")),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings")
    import django

    django.setup()
    if sys.argv[1] == "setup":
        print(json.dumps(setup(int(sys.argv[2]))))
    else:
        print(json.dumps(state()))
