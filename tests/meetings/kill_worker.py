"""The process `test_meeting_kill.py` kills: prepare a secret poll, cast votes printing each
acknowledgement as it comes, or declare and say which receipts were counted. Run as
`python kill_worker.py prepare|cast|declare ...` with DATABASE_URL set."""

import json
import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from mutualise.constitution import model_path  # noqa: E402
from mutualise.meetings import services  # noqa: E402
from mutualise.meetings.models import Resolution  # noqa: E402
from mutualise.register import services as register  # noqa: E402


def prepare(voters: int, batch: int) -> None:
    from meeting_helpers import make_members

    text = model_path("co-operative-society").read_text(encoding="utf-8")
    text = text.replace("\nmeetings:\n", f"\nmeetings:\n  secrecy_batch: {batch}\n", 1)
    org = register.create_organisation(
        name="Kill Co-op", constitution_text=text, source_name="kill.yaml", slug="kill",
        actor="test",
    )  # fmt: skip
    members = make_members(org, voters)
    starts = timezone.now() + timedelta(minutes=5)
    meeting = services.create_meeting(
        org, kind="general", title="Kill", starts_at=starts, place="Hall", online=True
    )
    resolution = services.add_resolution(
        meeting, title="Secret", text="...", kind_id="ordinary", method="poll"
    )
    services.call_meeting(meeting, now=starts - timedelta(days=30))
    services.open_meeting(meeting, now=starts)
    services.check_in_many(meeting, members, mode="online")
    services.open_vote(resolution)
    print(json.dumps({"resolution": resolution.pk, "members": [m.pk for m in members]}))


def cast(resolution_id: int, member_ids: list[int]) -> None:
    from mutualise.register.models import Member

    resolution = Resolution.objects.select_related("meeting__organisation").get(pk=resolution_id)
    for member in Member.objects.filter(pk__in=member_ids).order_by("?"):
        try:
            receipt = services.cast_vote(resolution, member, "for")
        except services.MeetingError:  # voted before the last kill
            continue
        print(f"ack {receipt.receipt}", flush=True)


def declare(resolution_id: int, receipts: list[str]) -> None:
    resolution = Resolution.objects.get(pk=resolution_id)
    declared = services.declare_result(resolution)
    from mutualise.meetings.models import Ballot, SealedBallot, VoteRecord

    counted = [services.check_receipt(resolution, r).counted for r in receipts]
    where = {"resolution": resolution}
    print(
        json.dumps(
            {
                "for": declared.votes_for,
                "counted": counted,
                "records": VoteRecord.objects.filter(**where).count(),
                "ballots": Ballot.objects.filter(**where).count(),
                "sealed": SealedBallot.objects.filter(**where).count(),
            }
        )
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "prepare":
        prepare(int(args[0]), int(args[1]))
    elif command == "cast":
        cast(int(args[0]), json.loads(args[1]))
    else:
        declare(int(args[0]), json.loads(sys.stdin.read()))
