"""The employee-owned partnership: every employee a partner, electing a Partnership Council by
branch and division; the council elects five directors to the board. The group functions'
council election is open now; the demo partner has a voting code."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mutualise import clock
from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "employee-owned-partnership"
SLUG = "ashworth-partnership"
NAME = "Ashworth Partnership plc"
OFFICERS = [("council-secretary", Role.Kind.OFFICER),
            ("council-returning-officer", Role.Kind.RETURNING_OFFICER)]  # fmt: skip
MEMBER_USER = "partner"
CANDIDATES = ["Asha Bird", "Bill Cope", "Cleo Dean", "Dom Eade", "Ella Ford", "Fraser Gee",
              "Gita Hale", "Hugh Ince"]  # fmt: skip
STAFF = {"is_staff": True, "contract_fixed_term": False, "employment_start": date(2018, 2, 5)}


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "partner in group functions"))
    if fresh:
        info.voting_code = _fill(organisation, people[Role.Kind.RETURNING_OFFICER])
    else:
        info.notes.append(common.CODE_PRINTED)
    election = organisation.elections.first()
    info.todo = "the Partnership Council election for group functions is open: vote as 'partner'"
    info.todo_path = f"elections/{election.pk}/"
    return info


def _fill(organisation, returning_officer) -> str:
    rng = random.Random(1929)
    joined = date(2018, 2, 5)
    group = common.join_many(organisation, "partners", 30, rng=rng, on=joined,
                             class_id="partners-group", first_user=common.user(MEMBER_USER),
                             **STAFF)  # fmt: skip
    for class_id in ("partners-stores", "partners-supermarkets"):
        common.join_many(organisation, "partners", 16, rng=rng, on=joined, class_id=class_id,
                         **STAFF)  # fmt: skip
    close = common.working_day(clock.localdate() + timedelta(days=5))
    walk = common.Walk(organisation, returning_officer, "partnership-council", "group", close,
                       now=common.created_before(close))  # fmt: skip
    walk.open_nominations()
    walk.nominate(group[-8:], CANDIDATES, "A council that holds the board to account.",
                  supporters=group[1:16])  # fmt: skip
    codes = walk.open_poll()
    walk.vote(codes, group[1:12], [[1, 2, 3, 4, 5, 6], [3, 5, 7, 8, 2, 1]],
              now=clock.now() - timedelta(hours=20))  # fmt: skip
    return codes[group[0].pk]
