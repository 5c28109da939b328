"""The fully mutual housing co-operative: tenant members in Glasgow, each holding one GBP 1
share, who run their homes through a management committee. A general meeting on the rent review
is in session now; the chair runs it from the console."""

from __future__ import annotations

import random
from datetime import date

from mutualise.meetings.models import Meeting
from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "housing-coop"
SLUG = "kelvin-street-housing"
NAME = "Kelvin Street Housing Co-operative Limited"
OFFICERS = [("housing-chair", Role.Kind.CHAIR), ("housing-secretary", Role.Kind.OFFICER)]
MEMBER_USER = "tenant"
STREET = ("G3 6AB", "G3 6AD", "G3 6AE", "G3 6AF")


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "tenant member"))
    if fresh:
        _fill(organisation, people[Role.Kind.OFFICER], people[Role.Kind.CHAIR])
    meeting = organisation_meeting(organisation)
    info.todo = "the rent review general meeting is in session: run it from the chair's console"
    info.todo_path = f"meetings/{meeting.pk}/console/"
    return info


def organisation_meeting(organisation):
    return Meeting.objects.filter(organisation=organisation).first()


def _fill(organisation, secretary, chair) -> None:
    rng = random.Random(1984)
    joined = date(2022, 4, 1)
    members = common.join_many(organisation, "tenants", 24, rng=rng, postcodes=STREET,
                               on=joined, first_user=common.user(MEMBER_USER))  # fmt: skip
    common.hold_shares(organisation, members, 100, on=joined, reference="tenancy share")
    common.meeting_in_session(
        organisation, secretary, chair, members[:9], kind="general",
        title="General meeting: the rent review", place="Community room, 12 Kelvin Street",
        resolutions=[
            ("Rents for the coming year", "That rents rise by 3.5% from 1 April, as the "
             "management committee proposes.", "ordinary"),
            ("Window replacement", "That the co-operative replace the windows of numbers 2 to "
             "24 from its major repairs fund.", "ordinary"),
        ],
    )  # fmt: skip
