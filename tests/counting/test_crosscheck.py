"""Cross-checks against PyPI peers, only where they count by the same rule.

- stvpoll `ScottishSTV` follows the same outline (Droop quota, all papers of a surplus, look-back
  ties) but not the law's arithmetic: it multiplies each paper's running multiplier by
  surplus/total and rounds half-even to 5 places, where rule 48(3) truncates each paper's
  transfer value ("any remainder being ignored"), and it moves the surpluses of all candidates
  elected at one stage in one round. So stage totals can differ in the fifth decimal; the winners
  must agree on real wards, and do.
- votekit `FastSTV` (fractional transfer, binary floats, simultaneous surpluses) is Gregory
  STV in floating point: again only the winners are compared.
- stvpoll `IRV` elects on a majority of all valid papers, not of the papers still continuing;
  with complete rankings nothing exhausts and the two agree, so only those are compared.
pyrankvote is not used: its STV is not the Scottish rule and its IRV adds nothing stvpoll's
doesn't.
"""

import json
from pathlib import Path

import pytest
from counting_strategies import profiles
from hypothesis import given, settings
from stvpoll.irv import calculate_irv
from stvpoll.scottish_stv import calculate_scottish_stv

from mutualise.counting import irv
from mutualise.counting.ballots import PAD
from mutualise.counting.blt import read_blt
from mutualise.counting.stv import scottish

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "scottish-stv"
SAMPLE = sorted(json.loads((CONFORMANCE / "official-2017.json").read_text()))[::13]


def plain_ballots(profile):
    return [
        (tuple(int(c) for c in row if c != PAD), int(w))
        for row, w in zip(profile.rankings, profile.weights, strict=True)
    ]


@pytest.mark.parametrize("ward", SAMPLE)
def test_stvpoll_and_votekit_elect_the_same_councillors(ward):
    from votekit.ballot import RankBallot
    from votekit.elections import FastSTV
    from votekit.pref_profile import RankProfile

    profile = read_blt(CONFORMANCE / "ballots" / ward)
    ours = set(scottish.count(profile, seed=0).elected)
    ballots = plain_ballots(profile)
    candidates = list(range(profile.n_candidates))
    theirs = calculate_scottish_stv(candidates, ballots, profile.seats, random_shuffle=False)
    assert set(theirs.elected_as_set()) == ours
    names = [str(c) for c in candidates]
    rank_profile = RankProfile(
        ballots=tuple(
            RankBallot(ranking=tuple(frozenset({names[c]}) for c in r), weight=w)
            for r, w in ballots
        ),
        candidates=tuple(names),
    )
    elected = FastSTV(rank_profile, n_seats=profile.seats).get_elected()
    assert {int(c) for group in elected for c in group} == ours


@settings(max_examples=60, deadline=None)
@given(profiles(min_candidates=2, max_candidates=6))
def test_alternative_vote_agrees_with_stvpoll_on_complete_rankings(profile):
    n = profile.n_candidates
    ballots = [(r, w) for r, w in plain_ballots(profile) if len(r) == n]
    if not ballots:
        return
    complete = profile.__class__(
        candidates=profile.candidates,
        rankings=[list(r) for r, _ in ballots],
        weights=[w for _, w in ballots],
    )
    ours = irv.count(complete, seed=0)
    if ours.tie_breaks:
        return  # tie rules differ (stvpoll draws at random after its look-back)
    theirs = calculate_irv(list(range(n)), ballots, allow_random=False)
    assert list(theirs.elected_as_tuple()) == ours.elected
