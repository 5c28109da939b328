"""The building society: saving members (shareholders) and borrowing members with mortgages,
one vote each whatever they save. Its AGM is on notice: members vote in advance or appoint a
proxy, who need not be a member."""

from __future__ import annotations

import random
from datetime import date

from mutualise import clock
from mutualise.meetings.models import Meeting
from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "building-society"
SLUG = "wyre-county-bs"
NAME = "Wyre County Building Society"
OFFICERS = [("society-secretary", Role.Kind.OFFICER), ("society-chair", Role.Kind.CHAIR)]
MEMBER_USER = "saver-wyre"
SAVINGS = [50_000, 250_000, 1_200_000, 4_000_000]  # pence in savings shares


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "saving member"))
    if fresh:
        _fill(organisation, people[Role.Kind.OFFICER])
    meeting = Meeting.objects.filter(organisation=organisation).first()
    info.todo = "the AGM is on notice: vote in advance or appoint a proxy"
    info.todo_path = f"meetings/{meeting.pk}/"
    return info


def _fill(organisation, secretary) -> None:
    rng = random.Random(1856)
    joined = date(2020, 1, 6)
    savers = common.join_many(
        organisation, "shareholding-members", 56, rng=rng, on=joined,
        postcodes=("FY6 7AA", "FY5 1LN", "PR3 1DX"), first_user=common.user(MEMBER_USER),
    )  # fmt: skip
    common.hold_shares(organisation, savers, SAVINGS, on=joined, reference="savings account")
    common.join_many(organisation, "borrowing-members", 16, rng=rng, on=joined,
                     postcodes=("FY6 8JE", "PR3 0RY"), born=(1960, 1998))  # fmt: skip
    year = clock.localdate().year
    common.meeting_on_notice(
        organisation, secretary, kind="agm", title=f"Annual general meeting {year}",
        starts=common.evening(24, hour=14), place="Marine Hall, Fleetwood", advance_voting=True,
        resolutions=[
            ("Annual report and accounts", "To receive the directors' report, the annual "
             "accounts and the auditor's report.", "ordinary"),
            ("Directors' remuneration", "To approve the directors' remuneration report.",
             "ordinary"),
            ("Auditor", "To re-appoint the auditor.", "ordinary"),
        ],
    )  # fmt: skip
