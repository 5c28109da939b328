"""The co-operative society: a wholefoods shop owned by its members, one member one vote
whatever shares they hold. Notice is given of its AGM, in about ten weeks, and of a general
meeting six weeks after it, where the AGM's minutes are approved: take both through with the
demo clock."""

from __future__ import annotations

import random
from datetime import date

from mutualise import clock
from mutualise.meetings.models import Meeting
from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "co-operative-society"
SLUG = "calder-wholefoods"
NAME = "Calder Wholefoods Co-operative Limited"
OFFICERS = [("coop-secretary", Role.Kind.OFFICER), ("coop-chair", Role.Kind.CHAIR)]
MEMBER_USER = "shopper"
HOLDINGS = [100, 2_500, 10_000, 50_000]  # pence in GBP 1 shares


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "member"))
    if fresh:
        _fill(organisation, people[Role.Kind.OFFICER])
    agm = agm_of(organisation)
    info.todo = "the AGM is on notice: on the day the chair runs it from the console"
    info.todo_path = f"meetings/{agm.pk}/"
    return info


def agm_of(organisation):
    return Meeting.objects.filter(organisation=organisation, kind="agm").first()


def _fill(organisation, secretary) -> None:
    rng = random.Random(1976)
    joined = date(2022, 3, 1)
    members = common.join_many(
        organisation, "members", 30, rng=rng, postcodes=("HX7 8AF", "HX7 6EJ", "OL14 7AA"),
        on=joined, first_user=common.user(MEMBER_USER),
    )  # fmt: skip
    common.hold_shares(organisation, members, HOLDINGS, on=joined, reference="member shares")
    year = clock.localdate().year
    common.meeting_on_notice(
        organisation, secretary, kind="agm", title=f"Annual general meeting {year}",
        starts=common.evening(75), place="The shop floor, 4 Market Street", resolutions=[
            ("Annual report and accounts", "That the report and accounts be received.",
             "ordinary"),
            ("Dividend on purchases", "That a dividend of 2% on members' purchases be paid "
             "from the surplus.", "ordinary"),
        ],
    )  # fmt: skip
    common.meeting_on_notice(
        organisation, secretary, kind="general", title="General meeting: a second shop",
        starts=common.evening(120), place="The shop floor, 4 Market Street", resolutions=[
            ("A second shop", "That the society lease 9 Bridge Street, Todmorden, for a second "
             "shop.", "ordinary"),
        ],
    )  # fmt: skip
