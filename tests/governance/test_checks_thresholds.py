"""Each check on each side of its threshold: just inside, exactly at, just outside. Pure: the
checks are functions of (constitution, facts), so these build the facts by hand."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from mutualise.constitution import load_text, model_path
from mutualise.governance import checks
from mutualise.governance.checks import Holder, MeetingHeld, RequisitionFact, ResolutionDeclared
from mutualise.governance.checks.model import Represented

pytestmark = pytest.mark.pure

TODAY = date(2026, 5, 1)
COOP = load_text(model_path("co-operative-society").read_text(), "co_operative_society.yaml")
CBS = load_text(model_path("community-benefit-society").read_text(), "cbs.yaml")
NHS = load_text(model_path("nhs-foundation-trust").read_text(), "nhs.yaml")
START = date(2025, 6, 1)
# The co-op's year end is 31 December: the AGM for 2025 is due by 30 June 2026; the last
# deadline passed before TODAY is 30 June 2025 (for the year ending 31 December 2024).
AGM = MeetingHeld(
    "agm", date(2025, 5, 20), present=10, members_total=20, notice_given_on=date(2025, 5, 1)
)


def seated(c, *, skip=(), extra=()):
    holders = []
    for body in c.bodies:
        for group in body.seats:
            if group.id in skip:
                continue
            for n in range(group.seats):
                holders.append(
                    Holder(
                        len(holders),
                        f"p{len(holders)}",
                        f"{group.id} {n}",
                        body.id,
                        group.id,
                        "",
                        str(group.filled_by),
                        "",
                        START,
                    )
                )
        for office in body.offices:
            holders.append(
                Holder(
                    len(holders),
                    "p0",
                    "chair",
                    body.id,
                    "",
                    office.id,
                    str(office.filled_by),
                    body.id,
                    START,
                )
            )
    return tuple(holders) + tuple(extra)


def facts(c=COOP, **changes):
    base = checks.Facts(
        today=TODAY, founded_on=date(2024, 1, 1), members=20, holders=seated(c), meetings=(AGM,)
    )
    return replace(base, **changes)


def found(c, f, finding_id):
    return [x for x in checks.run(c, f) if x.id == finding_id]


def test_the_baseline_is_clean():
    assert checks.run(COOP, facts()) == []
    assert [
        x.id
        for x in checks.run(
            NHS,
            facts(NHS, meetings=NHS_AMM),
        )
    ] == []


@pytest.mark.parametrize("members, fires", [(4, False), (3, False), (2, True)])
def test_reg1_minimum_members(members, fires):
    assert bool(found(COOP, facts(members=members), "REG-1")) is fires


@pytest.mark.parametrize("missing, fires", [(0, False), (1, True)])
def test_reg5_member_without_address(missing, fires):
    assert bool(found(COOP, facts(members_missing_address=missing), "REG-5")) is fires


@pytest.mark.parametrize(
    "ends, fires",
    [(TODAY + timedelta(days=1), False), (TODAY, True), (TODAY - timedelta(days=1), True)],
)
def test_reg6_term_ended_but_still_listed(ends, fires):
    holder = Holder(
        99, "px", "Late Larry", "board", "elected-directors", "", "elected", "", START, ends_on=ends
    )
    f = facts(holders=seated(COOP, extra=(holder,)))
    assert bool(found(COOP, f, "REG-6")) is fires


def test_reg6_officer_without_address():
    holder = Holder(
        99,
        "px",
        "No Address",
        "board",
        "elected-directors",
        "",
        "elected",
        "",
        START,
        has_address=False,
    )
    assert found(COOP, facts(holders=seated(COOP, extra=(holder,))), "REG-6")


def test_reg7_broken_audit_chain():
    assert not found(COOP, facts(audit_intact=True), "REG-7")
    assert found(COOP, facts(audit_intact=False, audit_problem="event 3 edited"), "REG-7")


DEADLINE = date(2025, 6, 30)


@pytest.mark.parametrize(
    "held, severity",
    [
        (DEADLINE - timedelta(days=1), None),
        (DEADLINE, None),
        (DEADLINE + timedelta(days=1), "warning"),
    ],
)
def test_mtg1_agm_within_six_months(held, severity):
    f = facts(meetings=(replace(AGM, held_on=held),))
    got = found(COOP, f, "MTG-1")
    assert (str(got[0].severity) if got else None) == severity


@pytest.mark.parametrize("today, fires", [(DEADLINE, False), (DEADLINE + timedelta(days=1), True)])
def test_mtg1_no_agm_fires_the_day_after_the_deadline(today, fires):
    f = facts(today=today, meetings=(), holders=seated(COOP))
    got = found(COOP, f, "MTG-1")
    assert bool(got) is fires
    if fires:
        assert got[0].statement == (
            "No AGM has been held within 6 months of the year end 31 December 2024 "
            "(due by 30 June 2025): none has ever been held."
        )


def test_mtg7_nhs_annual_members_meeting():
    got = found(NHS, facts(NHS, meetings=()), "MTG-7")
    assert got and "annual members' meeting" in got[0].statement
    assert "Health and Social Care Act 2012 s.157" in got[0].rule


MEETING = date(2026, 3, 20)


@pytest.mark.parametrize(
    "notice, fires",
    # 14 clear days before 20 March: notice by 5 March at the latest
    [(date(2026, 3, 4), False), (date(2026, 3, 5), False), (date(2026, 3, 6), True)],
)
def test_mtg2_clear_days_notice(notice, fires):
    general = MeetingHeld("general", MEETING, notice_given_on=notice, present=5, members_total=20)
    assert bool(found(COOP, facts(meetings=(AGM, general)), "MTG-2")) is fires


@pytest.mark.parametrize("present, fires", [(6, False), (5, False), (4, True)])
def test_mtg3_quorum(present, fires):
    # 3 members or 25%, whichever is greater: 25% of 20 is 5
    general = MeetingHeld(
        "general", MEETING, notice_given_on=date(2026, 3, 1), present=present, members_total=20
    )
    got = found(COOP, facts(meetings=(AGM, general)), "MTG-3")
    assert bool(got) is fires
    if fires:
        assert "4 present of 20 members, 5 needed" in got[0].statement


@pytest.mark.parametrize("days_after, fires", [(-1, False), (0, False), (1, True)])
def test_mtg4_requisition_not_convened(days_after, fires):
    board_by = TODAY - timedelta(days=days_after)
    req = RequisitionFact(
        1, "valid", board_by - timedelta(days=30), board_by, board_by + timedelta(days=14)
    )
    assert bool(found(COOP, facts(requisitions=(req,)), "MTG-4")) is fires


@pytest.mark.parametrize(
    "state, fires",
    [("collecting", False), ("too-few", False), ("valid", True), ("board", True),
     ("members", False)],
)  # fmt: skip
def test_mtg4_only_a_requisition_the_board_is_to_convene(state, fires):
    board_by = TODAY - timedelta(days=1)
    req = RequisitionFact(
        1, state, board_by - timedelta(days=30), board_by, board_by + timedelta(days=14)
    )
    assert req.the_boards_to_convene is fires
    assert bool(found(COOP, facts(requisitions=(req,)), "MTG-4")) is fires


@pytest.mark.parametrize("votes_for, fires", [(76, False), (75, False), (74, True)])
def test_mtg5_extraordinary_resolution_needs_three_quarters(votes_for, fires):
    res = ResolutionDeclared(
        MEETING, "Change the rules", "extraordinary", votes_for, 100 - votes_for, 0, 100, 200, True
    )
    assert bool(found(COOP, facts(resolutions=(res,)), "MTG-5")) is fires


@pytest.mark.parametrize("elected, fires", [(4, False), (3, False), (2, True)])
def test_brd1_at_least_three_elected_directors(elected, fires):
    directors = [h for h in seated(COOP) if h.seat_group_id == "elected-directors"][:elected]
    others = [h for h in seated(COOP) if h.seat_group_id != "elected-directors"]
    got = found(COOP, facts(holders=tuple(directors + others)), "BRD-1")
    assert bool(got) is fires


@pytest.mark.parametrize(
    "born, fires", [(date(2007, 4, 30), False), (date(2008, 5, 1), False), (date(2008, 5, 2), True)]
)
def test_brd1_director_under_eighteen(born, fires):
    young = Holder(
        99, "px", "Young", "board", "elected-directors", "", "elected", "", START, born_on=born
    )
    f = facts(
        holders=seated(COOP, skip=("elected-directors",))
        + (young,)
        + tuple(h for h in seated(COOP) if h.seat_group_id == "elected-directors")[:6]
    )
    assert bool([x for x in found(COOP, f, "BRD-1") if "Young" in x.statement]) is fires


@pytest.mark.parametrize("coopted, fires", [(1, False), (2, False), (3, True)])
def test_brd2_at_most_two_coopted(coopted, fires):
    extra = tuple(
        Holder(
            90 + n,
            f"c{n}",
            f"Co {n}",
            "board",
            "co-opted-directors",
            "",
            "co-opted",
            "board",
            TODAY,
        )
        for n in range(coopted)
    )
    f = facts(holders=seated(COOP, skip=("co-opted-directors",), extra=extra))
    assert bool([x for x in found(COOP, f, "BRD-2") if "at most 2" in x.statement]) is fires


@pytest.mark.parametrize("agm_after_start, fires", [(-1, False), (0, False), (1, True)])
def test_brd2_coopted_past_the_next_agm(agm_after_start, fires):
    started = date(2025, 5, 20)
    agm = replace(AGM, held_on=started + timedelta(days=agm_after_start))
    f = facts(
        meetings=(agm,),
        holders=tuple(
            replace(h, started_on=started) if h.seat_group_id == "co-opted-directors" else h
            for h in seated(COOP)
        ),
    )
    assert bool(found(COOP, f, "BRD-2")) is fires


@pytest.mark.parametrize("how, fires", [("elected", False), ("appointed", True)])
def test_brd4_chair_appointed_where_the_board_elects(how, fires):
    holders = tuple(
        replace(h, how=how, chosen_by="Pat") if h.office_id == "chair" else h for h in seated(COOP)
    )
    assert bool(found(COOP, facts(holders=holders), "BRD-4")) is fires


def test_brd4_two_holders_of_a_one_holder_office():
    extra = (Holder(99, "px", "Second chair", "board", "", "chair", "elected", "board", START),)
    got = found(COOP, facts(holders=seated(COOP, extra=extra)), "BRD-4")
    assert got and "which has 1" in got[0].statement


NINE_YEARS = date(2017, 6, 1)  # to 1 June 2026: exactly nine years


@pytest.mark.parametrize(
    "started, fires",
    [
        (NINE_YEARS + timedelta(days=1), False),
        (NINE_YEARS, False),
        (NINE_YEARS - timedelta(days=1), True),
    ],
)
def test_brd5_total_service_nine_years(started, fires):
    today = date(2026, 6, 1)
    holders = tuple(
        replace(h, started_on=started) if h.name == "elected 0" else h for h in seated(CBS)
    )
    assert [h for h in holders if h.name == "elected 0"], "model has the seat"
    f = facts(CBS, today=today, holders=holders, meetings=(replace(AGM, held_on=date(2025, 9, 1)),))
    assert bool(found(CBS, f, "BRD-5")) is fires


@pytest.mark.parametrize("grounds, fires", [((), False), (("an undischarged bankrupt",), True)])
def test_brd8_disqualified_director(grounds, fires):
    holders = tuple(replace(h, disqualifications=grounds) if h.id == 0 else h for h in seated(COOP))
    assert bool(found(COOP, facts(holders=holders), "BRD-8")) is fires


NHS_AMM = (MeetingHeld("annual-members", date(2025, 9, 1), present=50, members_total=100),)
PUBLIC = ("public-newcastle", "public-gateshead", "public-north-tyneside")


@pytest.mark.parametrize("added, fires", [(3, False), (4, True), (5, True)])
def test_nhs1_public_governors_more_than_half(added, fires):
    # 14 public governors of 24, plus `added` others: 14 of 27 is more than half; 14 of 28 is
    # exactly half, which is not "more than half"; 14 of 29 is less
    holders = list(seated(NHS))
    extra = [
        Holder(
            200 + n,
            f"x{n}",
            f"Extra {n}",
            "council-of-governors",
            "university",
            "",
            "appointed",
            "newcastle-university",
            START,
        )
        for n in range(added)
    ]
    f = facts(NHS, holders=tuple(holders + extra), meetings=NHS_AMM)
    assert bool(found(NHS, f, "NHS-1")) is fires


@pytest.mark.parametrize("staff, fires", [(4, False), (3, False), (2, True)])
def test_nhs2_at_least_three_staff_governors(staff, fires):
    groups = {"staff-medical": 1, "staff-nursing": 2, "staff-other": 1}
    holders = [h for h in seated(NHS) if h.seat_group_id not in groups]
    staff_holders = [h for h in seated(NHS) if h.seat_group_id in groups]
    chosen = staff_holders[:staff] if staff <= 4 else staff_holders
    if staff == 2:  # keep one per class out of the question: drop from nursing only
        chosen = [h for h in staff_holders if h.seat_group_id != "staff-nursing"]
    f = facts(NHS, holders=tuple(holders + chosen), meetings=NHS_AMM)
    got = [x for x in found(NHS, f, "NHS-2") if "At least 3" in x.statement]
    assert bool(got) is fires


@pytest.mark.parametrize(
    "status, constituency, fires",
    [
        ("admitted", "public-newcastle", False),
        ("ceased", "public-newcastle", True),
        ("admitted", "public-gateshead", True),
    ],
)
def test_nhs4_governor_still_a_member_of_their_constituency(status, constituency, fires):
    holders = tuple(
        replace(h, member_status=status, member_constituency=constituency)
        if h.seat_group_id == "public-newcastle" and h.name.endswith(" 0")
        else h
        for h in seated(NHS)
    )
    assert bool(found(NHS, facts(NHS, holders=holders, meetings=NHS_AMM), "NHS-4")) is fires


@pytest.mark.parametrize("member_share, fires", [(0.081, False), (0.08, False), (0.079, True)])
def test_nhs10_under_represented_below_eighty_percent(member_share, fires):
    line = Represented("age", "16-24", member_share, 0.10)
    f = facts(NHS, representation=(line,), meetings=NHS_AMM)
    assert bool(found(NHS, f, "NHS-10")) is fires


PARTNERSHIP = load_text(
    model_path("employee-owned-partnership").read_text(), "employee_owned_partnership.yaml"
)


@pytest.mark.parametrize("meetings, fires", [(3, False), (2, False), (1, True)])
def test_brd9_partnership_council_meets_twice_a_year(meetings, fires):
    council = next(b for b in PARTNERSHIP.bodies if b.meets_at_least_per_year)
    held = tuple((council.id, TODAY - timedelta(days=30 * (n + 1))) for n in range(meetings))
    f = facts(PARTNERSHIP, body_meetings=held)
    assert bool(found(PARTNERSHIP, f, "BRD-9")) is fires


def test_brd9_a_meeting_just_over_a_year_ago_does_not_count():
    council = next(b for b in PARTNERSHIP.bodies if b.meets_at_least_per_year)
    held = ((council.id, TODAY - timedelta(days=10)), (council.id, TODAY - timedelta(days=365)))
    assert found(PARTNERSHIP, facts(PARTNERSHIP, body_meetings=held), "BRD-9")
    held = ((council.id, TODAY - timedelta(days=10)), (council.id, TODAY - timedelta(days=364)))
    assert not found(PARTNERSHIP, facts(PARTNERSHIP, body_meetings=held), "BRD-9")


@pytest.mark.parametrize(
    ("today", "earliest_counted"),
    [
        (date(2028, 3, 1), date(2027, 3, 2)),  # the year to 1 March 2028 spans 29 February
        (date(2028, 2, 29), date(2027, 3, 1)),  # from the day after 28 February 2027
        (date(2027, 3, 1), date(2026, 3, 2)),
    ],
)
def test_brd9_the_last_year_is_a_calendar_year_across_29_february(today, earliest_counted):
    """Counted on the calendar (constitution/calendar.py), not as 365 days: a meeting a
    calendar year and a day ago counts in a year with 29 February in it."""
    council = next(b for b in PARTNERSHIP.bodies if b.meets_at_least_per_year)

    def fires(earliest):
        held = ((council.id, today - timedelta(days=10)), (council.id, earliest))
        return bool(
            found(PARTNERSHIP, facts(PARTNERSHIP, today=today, body_meetings=held), "BRD-9")
        )

    assert not fires(earliest_counted)
    assert fires(earliest_counted - timedelta(days=1))
