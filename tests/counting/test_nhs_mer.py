"""NHS foundation trust Model Election Rules STV (as the NI 1985 rules it follows: see the
module's caveat) against elections counted by hand from the rules."""

from decimal import Decimal
from pathlib import Path

import pytest
from counting_strategies import profiles
from hypothesis import given, settings

from mutualise.counting.ballots import from_lists
from mutualise.counting.blt import read_blt
from mutualise.counting.methods import get_method
from mutualise.counting.result import CountError
from mutualise.counting.stv import nhs_mer

pytestmark = pytest.mark.pure

D = Decimal


def totals(result, stage):
    return [str(v) for v in result.stages[stage - 1].totals]


def test_registered_under_its_slug():
    assert get_method("nhs-mer-stv") is nhs_mer.count


def test_last_sub_parcel_deferral_and_last_vacancy():
    # 16 valid, 3 vacancies: quota 16 // 4 + 1 = 5 whole votes (NI 48).
    ballots = [(8, [0, 1, 2]), (3, [1, 3]), (2, [2]), (2, [3]), (1, [4])]
    result = nhs_mer.count(from_lists("ABCDE", ballots, seats=3), seed=1)
    assert result.quota == 5
    # Stage 2: A's surplus 3 over 8 papers = 0.375 -> 0.37 each (NI 49(4)) to B: 5.96.
    assert totals(result, 2) == ["5.00", "5.96", "2.00", "2.00", "1.00"]
    assert result.stages[1].non_transferable == D("0.04")
    # Stage 3: B's surplus 0.96 is less than C's 2 - E's 1, so it waits (NI 49(10)(a)) and
    # E, the lowest, is excluded; the paper has no next preference.
    assert result.stages[2].excluded == [4]
    assert totals(result, 3) == ["5.00", "5.96", "2.00", "2.00", "0.00"]
    # Stage 4: with C and D equal the surplus moves: only B's last sub-parcel, 8 papers at
    # 0.37, at 0.96 / 8 = 0.12 each to C (NI 49(5)-(7)); C's 2.96 is at least D's 2 and
    # nothing is left untransferred, so C fills the last vacancy (NI 52(2)).
    assert totals(result, 4) == ["5.00", "5.00", "2.96", "2.00", "0.00"]
    assert result.elected == [0, 1, 2]
    assert len(result.stages) == 4


def test_exclusion_sub_parcels_are_separate_stages():
    # 16 valid, 2 vacancies: quota 6.
    ballots = [(7, [0, 2, 3]), (3, [1]), (3, [3]), (1, [2, 1]), (2, [4])]
    result = nhs_mer.count(from_lists("ABCDE", ballots, seats=2), seed=1)
    assert result.quota == 6
    # Stage 2: 1 / 7 = 0.142 -> 0.14 each to C: 0.98 (0.02 non-transferable).
    assert totals(result, 2) == ["6.00", "3.00", "1.98", "3.00", "2.00"]
    # Stage 3: C excluded; first the paper with C's first preference, at one (NI 51(2)-(4)).
    assert result.stages[2].excluded == [2]
    assert result.stages[2].note == "first preference papers"
    assert totals(result, 3) == ["6.00", "4.00", "0.98", "3.00", "2.00"]
    # Stage 4: then the sub-parcel at 0.14 (NI 51(5)-(9)), to D.
    assert result.stages[3].action == "exclusion"
    assert result.stages[3].note == "papers at transfer value 0.14"
    assert totals(result, 4) == ["6.00", "4.00", "0.00", "3.98", "2.00"]
    # Stage 5: E excluded (2 non-transferable); B's 4 >= D's 3.98 fills the vacancy.
    assert result.stages[4].excluded == [4]
    assert result.stages[4].non_transferable == D("2.00")
    assert result.elected == [0, 1]


def test_one_vacancy_runs_by_exclusion_until_a_majority_of_the_continuing_votes():
    ballots = [(4, [0]), (3, [1, 2]), (2, [2, 1])]
    result = nhs_mer.count(from_lists("ABC", ballots, seats=1), seed=1)
    assert totals(result, 1) == ["4.00", "3.00", "2.00"]
    assert result.stages[1].excluded == [2]
    assert totals(result, 2) == ["4.00", "5.00", "0.00"]
    assert result.elected == [1]


def test_equal_lowest_go_to_the_earliest_stage_where_they_differed():
    # Stage 1: B 3 < C 4. Later both reach 4 and are lowest: B, lower at the earliest
    # stage where they differed, is excluded (NI 51(13)(a)).
    ballots = [(10, [0, 1]), (3, [1]), (4, [2]), (7, [3])]
    result = nhs_mer.count(from_lists("ABCD", ballots, seats=2), seed=1)
    assert result.quota == 9
    assert totals(result, 2) == ["9.00", "4.00", "4.00", "7.00"]
    assert result.stages[2].excluded == [1]
    assert result.tie_breaks[0].how == "look-forward to stage 1"
    # B's first preferences exhaust; D's 7 is at least C's 4: D fills the last vacancy
    # (NI 52(2)) before B's transferred papers move, and no further transfer is made.
    assert result.elected == [0, 3]
    assert len(result.stages) == 3


def test_rejects_options():
    with pytest.raises(CountError, match="no options"):
        nhs_mer.count(from_lists("AB", [[0, 1]]), fast=True)


# -- NI 52(2) part-way through an exclusion ------------------------------------------------------

W, X, Y, Z = range(4)
# One vacancy; 35 valid papers. W (4) goes first: two papers pass to X and on to Z, two have no
# next preference. X (then 10) goes next, in two sub-parcels (NI 51(2)-(9)): X's own 8 first
# preferences (2 to Y, 6 with no next preference), then the 2 papers X received from W, to Z.
HELD_VOTES_BALLOTS = [
    (2, [W, X, Z]),
    (2, [W]),
    (2, [X, Y]),
    (6, [X]),
    (11, [Y]),
    (12, [Z]),
]


def test_last_vacancy_counts_the_votes_still_held_by_the_candidate_being_excluded():
    result = nhs_mer.count(from_lists("WXYZ", HELD_VOTES_BALLOTS, seats=1), seed=1)
    assert totals(result, 2) == ["0.00", "10.00", "11.00", "12.00"]
    # Stage 3, X's first preferences: Y 13 against Z 12. The old shortcut elected Y here,
    # leaving out the 2 votes X still held; 13 < 12 + 2, so the count must go on.
    assert result.stages[2].note == "first preference papers"
    assert totals(result, 3) == ["0.00", "2.00", "13.00", "12.00"]
    assert result.stages[2].elected == []
    # Stage 4, the papers X received from W: they go to Z, who overtakes Y and now has at
    # least all the other continuing votes (NI 52(2)).
    assert totals(result, 4) == ["0.00", "0.00", "13.00", "14.00"]
    assert result.elected == [Z]
    assert len(result.stages) == 4


class _FullCount(nhs_mer._MerCount):
    """The same rules without the NI 52(2) shortcut: exclusions go on until as many candidates
    are left as vacancies (NI 52(1)) or quotas fill the seats."""

    def last_vacancy_candidate(self):
        return None


def _full_count(profile):
    from mutualise.counting.ties import TieBreaker

    return _FullCount(profile, None, TieBreaker(1)).run()


def test_the_full_count_of_the_held_votes_case_agrees():
    profile = from_lists("WXYZ", HELD_VOTES_BALLOTS, seats=1)
    assert _full_count(profile).elected == [Z]


def _shortcut_is_safe(profile):
    shortcut = nhs_mer.count(profile, seed=1)
    full = _full_count(profile)
    if shortcut.tie_breaks or full.tie_breaks:
        return  # equal votes: a lot may fairly go either way
    assert sorted(shortcut.elected) == sorted(full.elected)


@settings(max_examples=300, deadline=None)
@given(profiles(min_candidates=2, max_candidates=6, max_groups=14, max_weight=30))
def test_the_last_vacancy_shortcut_never_elects_someone_a_full_count_would_not(profile):
    _shortcut_is_safe(profile)


WARDS = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "scottish-stv" / "ballots"


@pytest.mark.parametrize("part", range(4))
def test_the_shortcut_agrees_with_the_full_count_on_real_wards(part):
    # A quarter of the 1,100 real wards per test; each counted with and without NI 52(2).
    for path in sorted(WARDS.glob("*.blt"))[part::4]:
        _shortcut_is_safe(read_blt(path))


class _OldShortcut(nhs_mer._MerCount):
    """The rule as it was: NI 52(2) without the votes still held part-way through an exclusion."""

    def held_by_excluded(self):
        return 0


# The wards where the old shortcut elected someone else: nine, as many as the independent
# implementation of these rules disagreed with us on (issue 12); with the held votes counted
# it agrees on all 1,100.
OLD_SHORTCUT_WINNERS_DIFFER = {
    "argyll_bute_2021_by_election_isle_of_bute.blt",
    "argyll_bute_2022_ward3.blt",
    "east_dunbartonshire_2022_ward5.blt",
    "east_lothian_2012_ward1.blt",
    "glasgow_2022_ward19.blt",
    "highland_2022_eilean_a_che.blt",
    "orkney_2012_ward3.blt",
    "sc_borders_2012_ward5.blt",
    "sc_borders_2022_ward10.blt",
}


def test_the_old_shortcut_elected_someone_else_in_nine_real_wards():
    """And "stages differ from the old rule in 159 wards, not the issue's 8" (a session's open
    note) is explained: in 159 more wards the old shortcut stopped part-way through an
    exclusion, while the excluded candidate still held sub-parcels not yet transferred; the
    same candidates are elected in the same order, and every stage the old count shows is
    shown the same by the fixed one, which goes on through the remaining sub-parcels (a stage
    each, NI 51(4), 51(10)) until no transfer still to come could change the last place: one to
    four stages more. So a comparison of the stages both counts show finds no difference there;
    only the number of stages differs. The issue's 8 counted differences against an independent
    implementation we do not have, which the fixed count matches on all 1,100 wards (issue 12),
    so they are not these 159."""
    from mutualise.counting.ties import TieBreaker

    differ, longer = set(), set()
    for path in sorted(WARDS.glob("*.blt")):
        profile = read_blt(path)
        fixed = nhs_mer._MerCount(profile, None, TieBreaker(0)).run()
        old = _OldShortcut(profile, None, TieBreaker(0)).run()
        if sorted(fixed.elected) != sorted(old.elected):
            differ.add(path.name)
            continue
        shown = len(old.stages)
        assert fixed.elected == old.elected
        assert [s.totals for s in fixed.stages[:shown]] == [s.totals for s in old.stages]
        assert shown <= len(fixed.stages) <= shown + 4
        if len(fixed.stages) > shown:
            longer.add(path.name)
    assert differ == OLD_SHORTCUT_WINNERS_DIFFER
    assert len(longer) == 159
