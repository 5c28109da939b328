"""The community energy co-operative: members who invested GBP 250 to GBP 20,000 in community
shares for a hydro scheme and solar roofs; a share offer for a new roof is open, and the AGM is
on notice with advance voting on interest and the new project."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mutualise import clock
from mutualise.meetings.models import Meeting
from mutualise.register.models import Role
from mutualise.stake import services as stake

from . import common
from .common import DemoInfo

MODEL = "community-energy-coop"
SLUG = "calder-valley-energy"
NAME = "Calder Valley Community Energy Limited"
OFFICERS = [("energy-secretary", Role.Kind.OFFICER), ("energy-chair", Role.Kind.CHAIR)]
MEMBER_USER = "investor"
HOLDINGS = [25_000, 50_000, 100_000, 250_000, 500_000, 2_000_000]  # pence


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "member and shareholder"))
    if fresh:
        _fill(organisation, people[Role.Kind.OFFICER])
    meeting = _agm(organisation)
    info.todo = "the AGM is on notice: vote in advance on its resolutions"
    info.todo_path = f"meetings/{meeting.pk}/"
    return info


def _agm(organisation):
    return Meeting.objects.filter(organisation=organisation, kind="agm").first()


def _fill(organisation, secretary) -> None:
    rng = random.Random(2013)
    joined = date(2023, 6, 1)
    members = common.join_many(
        organisation, "members", 42, rng=rng, postcodes=("HX7 8AD", "OL14 5QQ", "HX7 6BU"),
        on=joined, first_user=common.user(MEMBER_USER),
    )  # fmt: skip
    common.hold_shares(organisation, members, HOLDINGS, on=joined, reference="2023 share offer")
    today = clock.localdate()
    stake.open_offer(
        organisation, title="Solar roofs for Todmorden schools", opens_on=today - timedelta(10),
        closes_on=today + timedelta(days=35), minimum_pence=60_000_00, optimum_pence=120_000_00,
        maximum_pence=150_000_00, policy="pro-rata", actor=secretary,
    )  # fmt: skip
    common.meeting_on_notice(
        organisation, secretary, kind="agm", title=f"Annual general meeting {today.year}",
        starts=common.evening(21), place="Hebden Bridge Town Hall", online=True,
        advance_voting=True, resolutions=[
            ("Annual report and accounts", "That the report and accounts be received.", "ordinary"),
            ("Interest on shares", "That interest of 4% be paid on members' shares for the "
             "year.", "ordinary"),
            ("Todmorden schools solar", "That the society install solar roofs on three "
             "Todmorden schools, financed by the share offer.", "ordinary"),
        ],
    )  # fmt: skip
