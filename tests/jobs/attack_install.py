"""Drives a separate install for the attack review's worker tests (run as a script, in its own
process and database, tests/jobs/test_jobs_attack_review.py):

    attack_install.py setup-codes N    an election with N voters by email, its codes job queued
    attack_install.py state-codes      the codes, messages and job as they stand
    attack_install.py setup-exports N  N register extracts queued at once
    attack_install.py state-jobs       each job's state and attempts, and its task's workers
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def setup_codes(voters: int) -> dict:
    sys.path.insert(0, str(TESTS / "elections"))
    from election_helpers import CLOSE_OF_POLL, Driver, make_members, moment, nhs_rulebook

    from mutualise.elections import services
    from mutualise.register import services as register
    from mutualise.register.models import Member

    org = register.create_organisation(
        name="Codes FT", constitution_text=nhs_rulebook(), source_name="nhs.yaml",
        slug="codes-ft", actor="test",
    )  # fmt: skip
    election = services.create_election(
        org, body_id="council-of-governors", seat_group_id="public-newcastle",
        close_of_poll=CLOSE_OF_POLL, actor="test",
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    members = make_members(org, "public-newcastle", voters)
    for member in members:
        member.email = f"voter{member.number}@example.org"
    Member.objects.bulk_update(members, ["email"])
    drive = Driver(election, "ro")
    drive.to_nominations()
    drive.step("close_nominations", drive.at("nominations_close"))
    services.freeze_roll(election, actor="ro")
    job = services.email_credentials(election, actor="ro", vote_url="https://vote.example/")
    return {"job": job.pk, "election": election.pk}


def state_codes() -> dict:
    from mutualise.elections.models import Credential
    from mutualise.jobs.models import Job
    from mutualise.jobs.services import live
    from mutualise.mail.models import Message

    job = live(Job.objects.get(kind="elections.email_codes"))
    messages = Message.objects.filter(reason="voting-code")
    return {
        "job": [job.state, job.attempts, job.done, job.total, job.error],
        "live": Credential.objects.filter(voided_at__isnull=True).count(),
        "voided": Credential.objects.filter(voided_at__isnull=False).count(),
        "live_per_voter": max(
            Counter(
                Credential.objects.filter(voided_at__isnull=True).values_list(
                    "roll_entry_id", flat=True
                )
            ).values(),
            default=0,
        ),
        "per_address": Counter(messages.values_list("to", flat=True)),
        "by_status": Counter(messages.values_list("status", flat=True)),
    }


def setup_exports(count: int) -> dict:
    from mutualise.register import services as register

    org = register.create_from_model(model="supporters-trust", name="Export Trust", slug="ex")
    jobs = [register.queue_export(org, "csv", actor="secretary").pk for _ in range(count)]
    return {"jobs": jobs}


def state_jobs() -> dict:
    from django_tasks_db.models import DBTaskResult

    from mutualise.jobs.models import Job, JobOutput

    rows = []
    for job in Job.objects.filter(kind="register.export").order_by("pk"):
        task = DBTaskResult.objects.get(pk=job.task_id)
        rows.append(
            {
                "job": job.pk,
                "state": job.state,
                "attempts": job.attempts,
                "task": task.status,
                "workers": task.worker_ids,
                "files": JobOutput.objects.filter(job=job).count(),
            }
        )
    return {"jobs": rows}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings")
    import django

    django.setup()
    command = sys.argv[1]
    if command == "setup-codes":
        print(json.dumps(setup_codes(int(sys.argv[2]))))
    elif command == "state-codes":
        print(json.dumps(state_codes()))
    elif command == "setup-exports":
        print(json.dumps(setup_exports(int(sys.argv[2]))))
    else:
        print(json.dumps(state_jobs()))
