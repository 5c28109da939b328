"""A membership's moves are one table (register/lifecycle.py), judged on a facts snapshot;
each guard returns (allowed, reason) and `blocking` lists every refused move at once."""

from dataclasses import replace
from datetime import date

from mutualise.register import lifecycle
from mutualise.register.models import Member

ON = date(2026, 6, 1)
APPLICANT = lifecycle.MemberFacts(number=7, status="applied", status_label="Applied", on=ON)


def test_the_table_speaks_the_registers_statuses():
    statuses = {s for m in lifecycle.MOVES.values() for s in (*m.sources, m.target) if s}
    assert statuses <= set(Member.Status.values)


def test_an_applicant_may_be_admitted_or_declined_and_nothing_else():
    assert lifecycle.check("admit", APPLICANT) == (True, "")
    assert lifecycle.check("decline", APPLICANT) == (True, "")
    assert lifecycle.blocking(APPLICANT) == {
        "cease": "member 7 is not a current member",
        "rejoin": "member 7 is not a former member",
        "change_constituency": "member 7 is not a current member",
        "erase": "member 7 is a current member or applicant: end the membership (or decline the "
        "application) before erasing",
    }


def test_a_membership_cannot_end_before_it_began():
    member = replace(APPLICANT, status="admitted", admitted_on=date(2026, 7, 1))
    assert lifecycle.check("cease", member) == (
        False,
        "a membership cannot end before it began (2026-07-01)",
    )
    assert lifecycle.check("cease", replace(member, on=date(2026, 7, 1)))[0]


def test_a_former_member_rejoins_unless_erased_dead_or_too_soon():
    former = replace(APPLICANT, status="ceased", ceased_on=date(2026, 5, 1))
    assert lifecycle.check("rejoin", former) == (True, "")
    assert "not a former member" in lifecycle.check("rejoin", replace(former, erased=True))[1]
    assert "having died" in lifecycle.check("rejoin", replace(former, died=True))[1]
    too_soon = replace(former, on=date(2026, 4, 1))
    assert "before the membership ended" in lifecycle.check("rejoin", too_soon)[1]
    assert lifecycle.check("admit", replace(former, status_label="Former member")) == (
        False,
        "member 7 is 'Former member', not an applicant",
    )


def test_merging_and_erasure_are_moves_of_the_table_too():
    former = replace(APPLICANT, status="ceased")
    assert lifecycle.check("erase", former) == (True, "")
    assert lifecycle.check("erase", replace(former, erased=True)) == (
        False,
        "member 7 has already been erased",
    )
    assert lifecycle.check("merge", replace(APPLICANT, status="merged"))[1] == (
        "member 7 has already been merged or erased"
    )
    assert lifecycle.MOVES["merge"].target == "merged" and lifecycle.MOVES["erase"].target is None
    current = replace(APPLICANT, number=8, status="admitted")
    assert lifecycle.may_take_a_merge(current, APPLICANT) == (True, "")
    assert lifecycle.may_take_a_merge(APPLICANT, current) == (
        False,
        "keep the current membership (8) and merge 7 into it",
    )
    assert not lifecycle.may_take_a_merge(current, replace(APPLICANT, erased=True))[0]
