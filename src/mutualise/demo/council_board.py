"""The co-operative council service board: a parks and libraries trust whose residents propose,
back each other's proposals and decide a live participatory budget by equal shares on their
phones; last year's budget is counted, and its funded projects are tracked to delivery.

Everything goes through the services, with an explicit clock for last year's steps.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from mutualise import clock
from mutualise.constitution.calendar import LONDON
from mutualise.jobs.models import ScheduledRun
from mutualise.participation import services
from mutualise.register.models import Role

from . import common
from .common import DemoInfo

MODEL = "cooperative-council-board"
SLUG = "lambeth-parks-trust"
NAME = "Lambeth Parks and Libraries Trust"
MEMBER_USER = "resident"
OFFICER_USER = "parks-secretary"
PROJECTS = [
    ("Play area for under-fives in Brockwell Park", 38_000_00),
    ("Sunday opening at Brixton Library", 21_000_00),
    ("Wildflower meadows on three verges", 9_500_00),
    ("Outdoor gym in Kennington Park", 27_000_00),
    ("Homework club laptops", 12_000_00),
    ("Benches and shade on the Norwood walk", 8_000_00),
    ("Repair the Clapham lido changing rooms", 45_000_00),
]
GRANTS = [
    ("Reading garden at Tate South Lambeth Library", 6_000_00),
    ("Coding club for teenagers", 4_500_00),
    ("Large-print and audio books", 3_000_00),
    ("Library cafe corner", 9_000_00),
    ("Local history exhibition", 2_500_00),
]
GRANTS_TITLE = "Library small grants 2026"
LAST_YEAR = [
    ("New path lighting in Ruskin Park", 30_000_00),
    ("Story time in four libraries", 6_000_00),
    ("Community orchard", 11_000_00),
    ("Skate ramp", 40_000_00),
    ("Book bus to the estates", 24_000_00),
]


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _budget(organisation, title, pot, projects, now):
    budget = services.set_up_budget(organisation, {"title": title, "pot_pence": pot}, actor="demo")
    services.transition(budget, "open_proposals", actor="demo", now=now)
    made = [
        services.add_project(budget, title=t, cost_pence=c, actor="demo", now=now)
        for t, c in projects
    ]
    services.transition(budget, "start_review", actor="demo", now=now)
    return budget, made


def _vote(budget, voters, codes, weights, rng, now):
    for member in voters:
        picks = [c for c, w in zip(codes, weights, strict=True) if rng.random() < w][:5]
        services.cast_ballot(budget, member, [(c, 1) for c in picks or codes[:1]], now=now)


def load() -> DemoInfo:
    organisation, fresh = common.found(MODEL, NAME, SLUG)
    info = DemoInfo(organisation)
    common.officers(organisation, info, [(OFFICER_USER, Role.Kind.OFFICER)])
    info.sign_ins.append((MEMBER_USER, "member, resident"))
    info.member_user = MEMBER_USER
    if fresh:
        _fill(organisation)
    info.todo = (
        "the 2026 parks and libraries budget is open: vote by equal shares; as "
        f"'{OFFICER_USER}', count the {GRANTS_TITLE} (its voting has closed)"
    )
    info.todo_path = "participation/"
    return info


def _fill(organisation) -> None:
    rng = random.Random(2026)
    members = common.join_many(
        organisation, "residents", 60, rng=rng, postcodes=("SW2 1AA", "SW9 8EH", "SE24 0PB"),
        on=date(2024, 4, 1), first_user=common.user(MEMBER_USER),
        local_authority_code="E09000022",
    )  # fmt: skip

    # Last year's budget: counted by equal shares, its projects now being delivered.
    now = clock.now()
    start = clock.localdate() - timedelta(days=300)
    past, _ = _budget(
        organisation, "Parks and libraries budget 2025", 70_000_00, LAST_YEAR, _at(start)
    )
    services.review_project(
        past.projects.get(code="P4"),
        accept=False,
        reason="the site is a conservation area; a ramp needs consent first",
        actor="demo",
    )
    for project in past.projects.exclude(code="P4"):
        services.review_project(project, accept=True, actor="demo")
    services.set_voting_window(
        past, _at(start + timedelta(days=20)), _at(start + timedelta(days=34)), actor="demo"
    )
    services.transition(past, "open_voting", actor="demo", now=_at(start + timedelta(days=20)))
    _vote(
        past,
        members[5:50],
        ["P1", "P2", "P3", "P5"],
        [0.6, 0.5, 0.4, 0.3],
        rng,
        _at(start + timedelta(days=25)),
    )
    past = services.count_budget(past, actor="demo", now=_at(start + timedelta(days=35)))
    services.transition(past, "start_delivery", actor="demo", now=_at(start + timedelta(days=36)))
    for i, project in enumerate(past.projects.filter(funded=True)):
        status, progress = [("done", 100), ("under_way", 60), ("not_started", 0)][i % 3]
        if status != "not_started":
            services.update_delivery(
                project.delivery,
                status=status,
                progress=progress,
                text="Work started with the friends of the park."
                if status == "under_way"
                else "Finished and open.",
                responsible="Parks team",
                by="parks-secretary",
                now=_at(start + timedelta(days=120 + 30 * i)),
            )

    # This year's budget: voting open now, a third of the members have voted.
    live, _ = _budget(organisation, "Parks and libraries budget 2026", 100_000_00, PROJECTS, now)
    services.review_project(
        live.projects.get(code="P7"),
        accept=False,
        reason="the lido is the council's; it is repairing it in 2027",
        actor="demo",
    )
    for project in live.projects.exclude(code="P7"):
        services.review_project(project, accept=True, actor="demo")
    services.set_voting_window(
        live, now - timedelta(days=2), now + timedelta(days=12), actor="demo"
    )
    services.transition(live, "open_voting", actor="demo", now=now)
    _vote(
        live,
        members[1:21],
        [f"P{i}" for i in range(1, 7)],
        [0.5, 0.45, 0.4, 0.3, 0.35, 0.3],
        rng,
        now,
    )

    _ready_to_count(organisation, members, rng, now)

    # Proposals: one sent to the board, one gathering support.
    routed = services.submit_proposal(
        organisation,
        members[2],
        title="Water fountains in every park",
        text="Refill points by the play areas and the sports pitches.",
        now=now,
    )
    for member in members[3 : 3 + routed.threshold]:
        services.support_proposal(routed, member, now=now)
    # Adopted for the board by its last support, it has its delivery record already.
    services.update_delivery(
        routed.delivery,
        status="not_started",
        progress=0,
        text="The board has asked the parks team to cost it.",
        responsible="Parks team",
        by="demo",
        actor="demo",
        now=now,
    )
    services.submit_proposal(
        organisation,
        members[7],
        title="A tool library in Brixton",
        text="Lend garden tools from the library, as Oxford does.",
        now=now,
    )


def _ready_to_count(organisation, members, rng, now) -> None:
    """A budget whose voting closed this morning and is not counted yet: the officer presses
    Count on its page and the worker counts it (a job whose progress the page shows). It
    closed after midnight, when the nightly close had already run (recorded as run, so the
    worker started with the demo does not count it first; tomorrow's would, had no one)."""
    midnight = datetime.combine(now.astimezone(LONDON).date(), time(0), tzinfo=LONDON)
    closes = max(midnight, now - timedelta(hours=1))
    opens = closes - timedelta(days=14)  # the rulebook's voting_days
    budget, _ = _budget(organisation, GRANTS_TITLE, 20_000_00, GRANTS, opens - timedelta(days=30))
    for project in budget.projects.all():
        services.review_project(project, accept=True, actor="demo")
    services.set_voting_window(budget, opens, closes, actor="demo")
    services.transition(budget, "open_voting", actor="demo", now=opens)
    _vote(
        budget,
        members[10:45],
        [f"P{i}" for i in range(1, 6)],
        [0.6, 0.3, 0.5, 0.15, 0.4],
        rng,
        opens + timedelta(days=3),
    )
    ScheduledRun.objects.get_or_create(name="participation.close", day=midnight.date())
