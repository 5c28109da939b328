"""The community mutual: a children's centre and independent living service owned by the
families who use it, the people on direct payments it supports, its staff and its town, each
electing their own seats on the board. A general meeting is on notice."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mutualise import clock
from mutualise.meetings.models import Meeting
from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "community-mutual"
SLUG = "doncaster-families-mutual"
NAME = "Doncaster Families and Independent Living Mutual Limited"
OFFICERS = [("mutual-secretary", Role.Kind.OFFICER), ("mutual-chair", Role.Kind.CHAIR)]
MEMBER_USER = "family"


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "family member"))
    if fresh:
        _fill(organisation, people[Role.Kind.OFFICER])
    meeting = Meeting.objects.filter(organisation=organisation).first()
    info.todo = "a general meeting on a second children's centre is on notice: appoint a proxy"
    info.todo_path = f"meetings/{meeting.pk}/"
    return info


def _fill(organisation, secretary) -> None:
    rng = random.Random(2012)
    joined = date(2023, 4, 3)
    recently = clock.localdate() - timedelta(days=20)  # service users join while they use it
    used = recently - timedelta(days=20)
    members = common.join_many(organisation, "families", 18, rng=rng, on=recently,
                               postcodes=("DN1 2HD", "DN4 0QP"), last_service_use=used,
                               first_user=common.user(MEMBER_USER), born=(1980, 2004))  # fmt: skip
    members += common.join_many(organisation, "direct-payments", 10, rng=rng, on=recently,
                                last_service_use=used)  # fmt: skip
    members += common.join_many(
        organisation,
        "staff",
        9,
        rng=rng,
        on=joined,
        is_staff=True,
        contract_fixed_term=False,
        employment_start=date(2016, 5, 1),
    )
    members += common.join_many(organisation, "community", 12, rng=rng, on=joined,
                                postcodes=("DN2 5LT", "DN5 8QA"),
                                local_authority_code="E08000017")  # fmt: skip
    common.hold_shares(organisation, members, 100, on=recently, reference="member share")
    common.meeting_on_notice(
        organisation, secretary, kind="general", title="General meeting: Mexborough centre",
        starts=common.evening(18, hour=18), place="Balby children's centre", online=True,
        resolutions=[
            ("A second children's centre", "That the mutual open a children's centre in "
             "Mexborough, as the board's plan sets out.", "ordinary"),
        ],
    )  # fmt: skip
