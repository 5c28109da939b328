"""Invariants every method must keep, on generated elections (hypothesis)."""

from decimal import Decimal

from counting_strategies import profiles, shuffled
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualise.counting import approval, irv, plurality, referendum, report
from mutualise.counting.ballots import from_lists
from mutualise.counting.stv import scottish

RANKED = {
    "scottish-stv": scottish.count,
    "irv": irv.count,
    "fptp": plurality.count,
    "approval": approval.count,
}


def seats_for(name, profile):  # the alternative vote fills one seat
    return 1 if name == "irv" else None


@settings(max_examples=60, deadline=None)
@given(profiles(), st.sampled_from(sorted(RANKED)), st.integers(0, 2**31))
def test_deterministic_and_independent_of_ballot_order(profile, name, seed):
    count = RANKED[name]
    seats = seats_for(name, profile)
    first = report.to_dict(count(profile, seats, seed=seed))
    assert report.to_dict(count(profile, seats, seed=seed)) == first
    assert report.to_dict(count(shuffled(profile, seed), seats, seed=seed)) == first


@settings(max_examples=80, deadline=None)
@given(profiles(), st.integers(0, 2**31))
def test_scottish_stv_conserves_votes_and_fills_the_seats(profile, seed):
    result = scottish.count(profile, seed=seed)
    assert len(result.elected) == len(set(result.elected)) == profile.seats
    assert result.valid_poll == profile.n_ballots
    gone = Decimal(0)
    for stage in result.stages:
        gone += stage.non_transferable + stage.loss
        # the law ignores remainders below 0.00001 per paper: never more than that is lost
        assert 0 <= stage.loss < Decimal("0.00001") * profile.n_ballots or stage.loss == 0
        assert sum(stage.totals) + gone == result.valid_poll
        assert all(t >= 0 for t in stage.totals)
    # elected before the last stage means the quota was reached
    for stage in result.stages[:-1]:
        assert all(stage.totals[c] >= result.quota for c in stage.elected)


@settings(max_examples=80, deadline=None)
@given(profiles(), st.integers(0, 2**31))
def test_alternative_vote_conserves_votes_and_elects_a_majority_winner(profile, seed):
    result = irv.count(profile, 1, seed=seed)
    gone = 0
    for stage in result.stages:
        gone += stage.non_transferable
        assert sum(stage.totals) + gone == result.valid_poll
    winner = result.elected[0]
    last = result.stages[-1].totals
    continuing = sum(last)
    assert 2 * last[winner] > continuing or sum(1 for t in last if t) <= 1


@settings(max_examples=80, deadline=None)
@given(profiles(), st.integers(0, 2**31))
def test_fptp_and_approval_elect_the_top_totals(profile, seed):
    for count, marks in ((plurality.count, profile.seats), (approval.count, None)):
        result = count(profile, seed=seed)
        totals = result.stages[0].totals
        expected = sum(
            w * (len(r) if marks is None else min(len(r), marks)) for w, r in profile.ballots()
        )
        assert sum(totals) == expected
        assert len(result.elected) == profile.seats
        losers = [c for c in range(profile.n_candidates) if c not in result.elected]
        assert all(totals[w] >= totals[x] for w in result.elected for x in losers)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 5), st.integers(1, 99))
def test_referendum_counts_and_applies_the_threshold(yes, no, blank, percent):
    ballots = [(yes, [0]), (no, [1]), (blank, [])]
    profile = from_lists(["Yes", "No"], [b for b in ballots if b[0]])
    result = referendum.count(profile, threshold=f"{percent}/100")
    assert result.stages[0].totals == [yes, no]
    assert result.invalid == blank and result.valid_poll == yes + no
    carried = yes + no > 0 and 100 * yes >= percent * (yes + no)
    if percent == 50:
        carried = yes > no
    assert (result.extra["outcome"] == "carried") is carried


@settings(max_examples=40, deadline=None)
@given(profiles(max_candidates=5, max_groups=6, max_weight=2), st.integers(0, 2**31))
def test_all_ties_includes_the_seeded_outcome(profile, seed):
    from mutualise.counting.ties import with_all_outcomes

    result = with_all_outcomes(scottish.count, profile, None, seed=seed)
    lots = sum(1 for tie in result.tie_breaks if tie.how == "lot")
    assert result.elected in [o["elected"] for o in result.outcomes]
    assert (len(result.outcomes) >= 2) == (lots > 0)  # every lot has at least two ways to fall
