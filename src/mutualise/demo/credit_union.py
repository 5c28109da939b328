"""The credit union: members in Belfast who save in shares (one fully paid GBP 1 share makes a
member) and borrow from each other. Its AGM is in session now, with the dividend and a rule
change on the agenda."""

from __future__ import annotations

import random
from datetime import date

from mutualise.meetings.models import Meeting
from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "credit-union"
SLUG = "north-belfast-cu"
NAME = "North Belfast Credit Union Limited"
OFFICERS = [("cu-chair", Role.Kind.CHAIR), ("cu-secretary", Role.Kind.OFFICER)]
MEMBER_USER = "saver"
SAVINGS = [100, 5_000, 25_000, 60_000, 120_000, 300_000]  # pence, in GBP 1 shares


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "member and saver"))
    if fresh:
        _fill(organisation, people[Role.Kind.OFFICER], people[Role.Kind.CHAIR])
    meeting = Meeting.objects.filter(organisation=organisation).first()
    info.todo = "the AGM is in session: declare the dividend vote from the chair's console"
    info.todo_path = f"meetings/{meeting.pk}/console/"
    return info


def _fill(organisation, secretary, chair) -> None:
    rng = random.Random(1969)
    joined = date(2021, 10, 1)
    members = common.join_many(
        organisation, "members", 44, rng=rng, postcodes=("BT14 6AA", "BT15 3HZ", "BT14 7GP"),
        on=joined, first_user=common.user(MEMBER_USER), local_authority_code="N09000003",
    )  # fmt: skip
    common.hold_shares(organisation, members, SAVINGS, on=joined, reference="savings")
    common.meeting_in_session(
        organisation, secretary, chair, members[:14], kind="agm",
        title="Annual general meeting", place="St Gemma's parish hall",
        resolutions=[
            ("Dividend", "That a dividend of 1.5% be paid on shares for the year to 30 "
             "September.", "ordinary"),
            ("Larger loans", "That rule 14 be amended so the board may lend up to GBP 15,000 "
             "to a member.", "rule-change"),
        ],
    )  # fmt: skip
