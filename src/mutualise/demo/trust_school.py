"""The co-operative trust school: parents, staff and the community as stakeholder members, who
elect a stakeholder forum; the forum appoints trustees. The parents' forum election's poll has
closed: the returning officer counts it."""

from __future__ import annotations

import random
from datetime import date

from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "cooperative-trust-school"
SLUG = "calder-learning-trust"
NAME = "Calder Valley Co-operative Learning Trust"
OFFICERS = [("school-returning-officer", Role.Kind.RETURNING_OFFICER),
            ("school-secretary", Role.Kind.OFFICER)]  # fmt: skip
MEMBER_USER = "parent"
CANDIDATES = ["Amira Begum", "Ben Clough", "Claire Dyson", "Dan Earnshaw", "Eve Firth"]


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation, member_user=MEMBER_USER)
    people = common.officers(organisation, info, OFFICERS)
    info.sign_ins.append((MEMBER_USER, "parent member"))
    if fresh:
        _fill(organisation, people[Role.Kind.RETURNING_OFFICER])
    election = organisation.elections.first()
    info.todo = "the parents' forum poll has closed: count the votes and declare the result"
    info.todo_path = f"elections/{election.pk}/console/"
    return info


def _fill(organisation, returning_officer) -> None:
    rng = random.Random(2011)
    joined = date(2024, 9, 2)
    parents = common.join_many(
        organisation, "parents", 32, rng=rng, postcodes=("HX7 5AA", "HX2 0PL", "HX6 2BY"),
        on=joined, first_user=common.user(MEMBER_USER), born=(1975, 1995),
    )  # fmt: skip
    common.join_many(organisation, "staff", 14, rng=rng, on=joined, is_staff=True,
                     contract_fixed_term=False, employment_start=date(2019, 9, 1))  # fmt: skip
    common.join_many(organisation, "community", 10, rng=rng, on=joined,
                     postcodes=("HX1 1QG", "HX3 9EN"))  # fmt: skip
    close = common.past_close(2)
    walk = common.Walk(organisation, returning_officer, "stakeholder-forum", "parents", close,
                       now=common.created_before(close))  # fmt: skip
    walk.open_nominations()
    walk.nominate(parents[-5:], CANDIDATES, "Every child's voice, through their parents'.",
                  supporters=parents[1:12])  # fmt: skip
    codes = walk.open_poll()
    walk.vote(codes, parents[1:22], [[1, 2, 3], [2, 4, 5], [3, 1], [5, 2, 4]])
    walk.close_poll()
