"""The NHS foundation trust: public, staff-free constituencies in three boroughs, a council of
governors with a declared Gateshead election (stage table, chart, published ballots), a
Newcastle poll open now with a voting code to try, a North Tyneside election whose nominations
are open (take it to its result with the demo clock), and an annual members' meeting on notice.

The election timetables are walked with an explicit clock, so the earlier steps are dated in
the past.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from mutualise import clock
from mutualise.constitution.calendar import london
from mutualise.elections import services as elections
from mutualise.register import services
from mutualise.register.models import Role

from . import common
from .common import PASSWORD as DEMO_PASSWORD
from .common import DemoInfo, current_code

__all__ = ["DEMO_NAME", "DEMO_PASSWORD", "DEMO_SLUG", "current_code", "load"]

MODEL = "nhs-foundation-trust"
DEMO_SLUG = "northshire-nhs-ft"
DEMO_NAME = "Northshire Community Health NHS Foundation Trust"
SLUG, NAME = DEMO_SLUG, DEMO_NAME
DEMO_USERS = [
    ("secretary", Role.Kind.OFFICER),
    ("returning-officer", Role.Kind.RETURNING_OFFICER),
    ("chair", Role.Kind.CHAIR),
    ("admin", Role.Kind.ADMINISTRATOR),
]
MEMBER_USER = "member"
NOMINEE_USER = "nominee"  # a North Tyneside member who may stand in the election on notice
FIRST, LAST = common.FIRST, common.LAST
AREAS = {
    "public-newcastle": ["NE1 4LP", "NE2 1AB", "NE3 2DT", "NE4 5PL", "NE6 1SA"],
    "public-gateshead": ["NE8 1HH", "NE9 5AX", "NE10 0AB", "NE11 9BJ"],
    "public-north-tyneside": ["NE25 8BT", "NE26 1QJ", "NE28 7LA", "NE30 4RG"],
}
DECLARED_CLOSE = date(2026, 10, 20)  # a Tuesday: the declared Gateshead election
PREFERENCES = [  # (voters, marks by ballot position) for the declared election
    (19, {1: "1", 2: "2"}),
    (15, {2: "1", 3: "2", 1: "3"}),
    (11, {3: "1", 2: "2"}),
    (8, {4: "1", 3: "2", 2: "3"}),
    (5, {5: "1", 4: "2"}),
]

# The trust's council is left mostly vacant: the demo's live finding on its accountability page
# (NHS-2: no staff or local-authority governors). demo.bodies seats every other demo body.
SEAT_BODIES = False


def load() -> DemoInfo:
    """The trust (inside the caller's transaction: mutualise.demo.load_all)."""
    organisation, fresh = common.found(MODEL, DEMO_NAME, DEMO_SLUG)
    info = DemoInfo(organisation)
    people = common.officers(organisation, info, DEMO_USERS)
    info.sign_ins += [(MEMBER_USER, "member, public Newcastle"),
                      (NOMINEE_USER, "member, public North Tyneside")]  # fmt: skip
    info.member_user = MEMBER_USER
    if fresh:
        returning_officer = people[Role.Kind.RETURNING_OFFICER]
        _members(organisation)
        _declared_election(organisation, returning_officer)
        info.voting_code = _open_election(organisation, returning_officer)
        _election_on_notice(organisation, returning_officer)
        _annual_members_meeting(organisation, people[Role.Kind.OFFICER])
    else:
        info.notes.append(common.CODE_PRINTED)
    on_notice = organisation.elections.filter(seat_group_id="public-north-tyneside").first()
    info.todo = (
        "nominations are open for the North Tyneside governors (stand as 'nominee'; "
        "the returning officer takes it to its result with the demo clock)"
    )
    info.todo_path = f"elections/{on_notice.pk}/" if on_notice else "elections/"
    return info


def _members(organisation) -> None:
    rng = random.Random(2026)
    users = {1: common.user(MEMBER_USER), 121: common.user(NOMINEE_USER)}
    n = 0
    for constituency_id, postcodes in AREAS.items():
        for k in range(60):
            n += 1
            member = services.join(
                organisation,
                actor="demo",
                constituency_id=constituency_id,
                user=users.get(n),
                display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                date_of_birth=date(1940 + rng.randrange(60), rng.randrange(1, 13), 1 + k % 28),
                postcode=postcodes[k % len(postcodes)],
                address=f"{1 + k} Demo Street",
                email=f"member{n}@example.org" if k % 3 else "",
                contact_channel="email" if k % 3 else "post",
                allow_duplicate=True,  # generated people: a namesake is not a duplicate
                on=date(2025, 4, 1),
            )
            if member.status == member.Status.APPLIED:  # this rulebook has the board admit
                services.admit(member, actor="demo", on=date(2025, 4, 8))


STATEMENT = "I will make sure {} patients are heard."


def _constituency_members(organisation, constituency_id):
    return list(services.active_members(organisation, constituency_id=constituency_id))


def _walk(organisation, returning_officer, group, close) -> common.Walk:
    return common.Walk(organisation, returning_officer, "council-of-governors", group, close,
                       now=common.created_before(close))  # fmt: skip


def _declared_election(organisation, returning_officer) -> None:
    walk = _walk(organisation, returning_officer, "public-gateshead", DECLARED_CLOSE)
    walk.open_nominations()
    members = _constituency_members(organisation, "public-gateshead")
    names = ["Aisha Rahman", "Brian Scott", "Carol Tait", "Derek Usher", "Elena Vance"]
    walk.nominate(members[:5], names, STATEMENT.format("Gateshead"))
    codes = walk.open_poll()
    polling = walk.table.close_of_poll - timedelta(hours=3)
    voters = iter(members)
    for times, raw in PREFERENCES:
        for _ in range(times):
            marks = elections.parse_marks(walk.election, raw)
            elections.cast(walk.election, codes[next(voters).pk], marks, now=polling)
    walk.close_poll()
    walk.declare()


def _open_election(organisation, returning_officer) -> str:
    """A poll open now, closing in about a week; returns the demo member's voting code."""
    close = common.working_day(clock.localdate() + timedelta(days=7))
    walk = _walk(organisation, returning_officer, "public-newcastle", close)
    walk.open_nominations()
    members = _constituency_members(organisation, "public-newcastle")
    names = [
        "Farah Ali", "George Hall", "Hannah Ives", "Ian Jarvis",
        "Joy Kerr", "Karl Lund", "Lena Marsh", "Mo Nolan",
    ]  # fmt: skip
    walk.nominate(members[-len(names) :], names, "Shorter waits and better care close to home.")
    codes = walk.open_poll()
    demo_member = next(m for m in members if m.user_id is not None)
    return codes[demo_member.pk]


def _election_on_notice(organisation, returning_officer) -> None:
    """North Tyneside: notice of election given today and nominations open, three candidates
    standing for four seats so far; the newcomer takes it to its result with the demo clock."""
    close = common.close_for_nominations_open(organisation)
    walk = _walk(organisation, returning_officer, "public-north-tyneside", close)
    now = clock.now()
    walk.open_nominations(now=now)
    members = _constituency_members(organisation, "public-north-tyneside")
    names = ["Nadia Osei", "Peter Quayle", "Ruth Stokes", "Sam Turner", "Tara Vine"]
    walk.nominate(members[-5:], names, STATEMENT.format("North Tyneside"), now=now)


def _annual_members_meeting(organisation, secretary) -> None:
    starts = clock.localdate() + timedelta(days=30)
    common.meeting_on_notice(
        organisation,
        secretary,
        kind="annual-members",
        title=f"Annual members' meeting {starts.year}",
        starts=london(starts, time(18, 30)),
        place="Lecture theatre, Northshire General Hospital",
        online=True,
        advance_voting=True,
        resolutions=[(
            "Annual report and accounts",
            "That the annual report and accounts for the year to 31 March be received.",
            "ordinary",
        )],
    )  # fmt: skip
