"""The public service mutual: a care service spun out of the council as a community interest
company, owned by its staff and the people it serves (one GBP 1 share each). The staff
directors' election has closed: the returning officer counts it by STV."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mutualise import clock
from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "public-service-mutual"
SLUG = "riverside-care"
NAME = "Riverside Care Services CIC"
OFFICERS = [("care-returning-officer", Role.Kind.RETURNING_OFFICER),
            ("care-secretary", Role.Kind.OFFICER)]  # fmt: skip
MEMBER_USER = "carer"
CANDIDATES = ["Agnes Boyd", "Bola Cole", "Cath Doyle", "Des Egan", "Ewa Frank", "Gail Horn"]
STAFF = {"is_staff": True, "contract_fixed_term": False, "employment_start": date(2017, 4, 1)}


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "employee member"))
    if fresh:
        _fill(organisation, people[Role.Kind.RETURNING_OFFICER])
    election = organisation.elections.first()
    info.todo = "the staff directors' poll has closed: count it by STV and declare the result"
    info.todo_path = f"elections/{election.pk}/console/"
    return info


def _fill(organisation, returning_officer) -> None:
    rng = random.Random(2017)
    joined = date(2017, 4, 1)
    staff = common.join_many(organisation, "staff", 36, rng=rng, on=joined,
                             first_user=common.user(MEMBER_USER), **STAFF)  # fmt: skip
    recently = clock.localdate() - timedelta(days=30)
    users = common.join_many(organisation, "service-users", 18, rng=rng, on=recently,
                             last_service_use=recently - timedelta(days=30),
                             born=(1935, 1990))  # fmt: skip
    common.hold_shares(organisation, staff, 100, on=joined, reference="member share")
    common.hold_shares(organisation, users, 100, on=recently, reference="member share")
    close = common.past_close(1)
    walk = common.Walk(organisation, returning_officer, "board", "staff-directors", close,
                       now=common.created_before(close))  # fmt: skip
    walk.open_nominations()
    walk.nominate(staff[-6:], CANDIDATES, "Care that staff and families shape together.",
                  supporters=staff[1:14])  # fmt: skip
    codes = walk.open_poll()
    walk.vote(codes, staff[1:28], [[1, 2, 3], [2, 1, 4], [3, 5, 6, 1], [4, 6], [6, 3, 2]])
    walk.close_poll()
