"""The supporters' trust: football supporters who each hold one GBP 1 share, electing their
trust board by first past the post with an independent scrutineer. The board election's poll is
open now; the demo supporter has a voting code."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mutualise import clock
from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "supporters-trust"
SLUG = "hartley-town-trust"
NAME = "Hartley Town Supporters' Trust Limited"
OFFICERS = [
    ("trust-secretary", Role.Kind.OFFICER),
    ("trust-scrutineer", Role.Kind.RETURNING_OFFICER),
    ("trust-chair", Role.Kind.CHAIR),
]
MEMBER_USER = "supporter"
CANDIDATES = [
    "Alan Brook", "Bev Carr", "Chris Dale", "Dawn Eyre", "Errol Fox", "Fay Grant",
    "Gus Hart", "Helen Ings", "Imran Jay", "Jess Kay", "Kev Lamb",
]  # fmt: skip


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "supporter member"))
    if fresh:
        info.voting_code = _fill(organisation, people[Role.Kind.RETURNING_OFFICER])
    else:
        info.notes.append(common.CODE_PRINTED)
    election = organisation.elections.first()
    info.todo = "the Trust Board election's poll is open: vote as 'supporter'"
    info.todo_path = f"elections/{election.pk}/"
    return info


def _fill(organisation, scrutineer) -> str:
    rng = random.Random(1878)
    members = common.join_many(
        organisation, "supporters", 48, rng=rng, postcodes=("HX1 2RT", "HX3 5AB", "HD6 1QQ"),
        on=date(2024, 7, 1), first_user=common.user(MEMBER_USER),
    )  # fmt: skip
    common.hold_shares(organisation, members, 100, on=date(2024, 7, 1), reference="membership")
    close = common.working_day(clock.localdate() + timedelta(days=6))
    walk = common.Walk(organisation, scrutineer, "board", "elected", close,
                       now=common.created_before(close))  # fmt: skip
    walk.open_nominations()
    walk.nominate(members[-len(CANDIDATES) :], CANDIDATES,
                  "A fan-owned club, a fair ticket price, and a seat at the table.",
                  supporters=members[1:20])  # fmt: skip
    codes = walk.open_poll()
    walk.vote(codes, members[1:19], [[1, 3, 5, 7, 9, 2, 4, 6, 8], [2, 4, 6, 8, 10, 11, 1, 3, 5]],
              now=clock.now() - timedelta(hours=20))  # fmt: skip
    return codes[members[0].pk]
