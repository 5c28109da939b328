"""NHS foundation trust Model Election Rules 2014 (MER), STV counting rules (Part 6 "Counting the
votes": first stage, the quota, transfer of votes, supplementary provisions on transfer,
exclusion of candidates, filling of last vacancies, order of election).

SOURCE CAVEAT, read first: the 2014 MER text itself could not be retrieved while this module
was written (no copy of a trust constitution annex with the counting rules was reachable). The
MER's STV counting rules are taken, nearly word for word, from the Local Elections (Northern
Ireland) Order 1985 (SI 1985/454), Schedule 1 Part IV, rules 46-52, whose text was available;
this module implements those rules as written and cites THEIR numbers ("NI 49(4)" etc.). The
MER renumbers them (its rules 46-53, sub-rules written 49.4 for 49(4)); before relying on this
for a real trust election, check the trust's own annex against the notes below.

What the rules say, in brief: the quota is valid papers / (vacancies + 1), plus one, fraction
disregarded (NI 48); a candidate with at least a quota is deemed elected at any stage (NI
48(3)), except in a one-vacancy election, which runs by exclusion until one candidate has at
least all the others' votes (NI 48(3), 52(2)); a first-stage surplus passes on all the
candidate's papers, a later one only the sub-parcel last received (NI 49(1), 49(5)); the
transfer value is the surplus divided by the number of papers transferred, to two decimal places
ignoring the remainder, never more than the value the paper arrived at (NI 49(4), 49(7));
surpluses are deferred while they are less than the gap above the lowest (NI 49(10)); an
excluded candidate's first-preference papers go first, as one stage, then the papers transferred
to them, one sub-parcel of equal transfer value per stage, highest value first (NI 51(2)-(9));
ties go to the earliest stage at which the tied candidates had unequal votes, then lot (NI 50(1),
51(13)). Values are kept in integer hundredths of a vote.

The last vacancies, every shortcut the count takes (each one a paragraph of the rules):
- NI 52(1), with 52(3): when the continuing candidates are as many as the vacancies left they are
  elected and no further transfer is made: checked before each stage, before an exclusion that
  would leave that many (`LastParcelCount.run`) and after each sub-parcel (`count_complete`);
- NI 52(2), with 52(3): one vacancy left and a continuing candidate's votes are at least those of
  all the other continuing candidates together with any surplus not transferred AND the votes
  still held by a candidate part-way through exclusion (`last_vacancy_candidate`), so that no
  transfer still to come could overtake them;
- NI 48(3): in a one-vacancy election no one is deemed elected by the quota; NI 52 decides.
Against the old reading of 52(2) (the held votes left out) over the 1,100 Scottish wards: other
winners in 9; in 159 more the same winners in the same order and every stage the old count
showed, then one to four more sub-parcel stages the old count had cut short. So "stages differ
in 159 wards" measures stage counts, not a disagreement (`tests/counting/test_nhs_mer.py`).

Readings this module makes where the text is open (each is a choice, not the text):
- a bulk exclusion (NI 51(12)) takes the largest qualifying group of lowest candidates, never
  splits candidates with equal votes, and leaves enough candidates to fill the vacancies;
- an exclusion completes all its sub-parcels before any surplus it creates is transferred,
  unless the count completes (candidates elected at a sub-stage receive no further papers);
- if two candidates both meet NI 52(2) (possible only with exactly equal votes) neither is
  elected by it and the count goes on by exclusion with the tie rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ballots import Profile
from ..info import BallotKind, MethodInfo
from ..result import CountError, CountResult, Value
from ..ties import TieBreaker, refuse_tie_order
from ._last_parcel import UNIT, LastParcelCount

NAME = "nhs-mer-stv"
ALIASES = ("nhs-mer", "mer2014-stv")
INFO = MethodInfo(
    name="NHS Model Election Rules STV",
    summary="Single transferable vote under the NHS foundation trust Model Election Rules 2014",
    ballot=BallotKind.RANKED,
    rules={
        "quota": "rule 48(3)",
        "surplus": "rule 49",
        "exclusion": "rule 51",
        "bulk_exclusion": "rule 51(12)",
        "last_vacancies": "rule 52(1)",
        "last_vacancy": "rule 52(2)",
    },
)


def count(
    profile: Profile,
    seats: int | None = None,
    *,
    seed: int | None = None,
    tie_breaker: TieBreaker | None = None,
    **options: Any,
) -> CountResult:
    if options:
        raise CountError(f"nhs-mer-stv takes no options {sorted(options)}")
    refuse_tie_order(profile, INFO.name)
    return _MerCount(profile, seats, tie_breaker or TieBreaker(seed)).run()


class _MerCount(LastParcelCount):
    NAME = NAME
    STRICT_DEFERRAL = True  # NI 49(10), 51(12): "less than"
    BATCH_IS_STAGE = True  # NI 51(4), 51(10): each sub-parcel transferred is a stage
    DEFER_ONLY_FOR_EXCLUDABLE = False  # NI 49(10)(b) compares any two or more lowest

    def first_quota(self, valid: int) -> int:
        # NI 48(1)-(2): valid papers / (members to be elected + 1), increased by one, any
        # fraction disregarded.
        return (valid // (self.seats + 1) + 1) * UNIT

    def quota_value(self) -> Value:
        return self.quota // UNIT

    def transfers_surpluses(self) -> bool:
        # NI 49(11): rule 49 does not apply at an election with only one vacancy.
        return self.seats > 1

    def deem_elected(self) -> None:
        # NI 48(3): at any stage a candidate whose total equals or exceeds the quota is deemed
        # elected; not in a one-vacancy election (there NI 52(2) decides).
        if self.seats == 1:
            return
        reached = [c for c in self.continuing_candidates() if self.totals[c] >= self.quota]
        room = self.seats - len(self.elected)
        for c in self.by_votes(reached, "order of election")[:room]:
            self.elect(c)

    def last_vacancy_candidate(self) -> int | None:
        """NI 52(2): one vacancy left and a continuing candidate's votes are equal to or greater
        than the total of the votes credited to the other continuing candidates together with
        any surplus not transferred.

        Between the sub-parcels of an exclusion (NI 51(4), 51(10)) the candidate being excluded
        still holds the papers not yet transferred; they are counted with the others here, since
        any of them may yet go to a rival. So the test is one no remaining transfer can upset:
        the candidate's votes can only grow, and the most any rival can reach is every other
        vote still in play."""
        if self.seats - len(self.elected) != 1:
            return None
        continuing = self.continuing_candidates()
        untransferred = sum(int(self.totals[c]) - self.quota for c in self.pending_surpluses())
        in_play = sum(int(self.totals[c]) for c in continuing) + self.held_by_excluded()
        winners = [
            c
            for c in continuing
            if int(self.totals[c]) >= in_play - int(self.totals[c]) + untransferred
        ]
        return winners[0] if len(winners) == 1 else None

    def held_by_excluded(self) -> int:
        """Votes on papers still held by excluded candidates: nonzero only part-way through an
        exclusion (the sub-parcels not yet transferred)."""
        gone = ~self.continuing[: self.n]
        gone[self.elected] = False
        return int(self.totals[gone].sum())

    def last_vacancy_filled(self) -> bool:
        winner = self.last_vacancy_candidate()
        if winner is None:
            return False
        # NI 52(2)-(3): deemed elected; no further transfer of votes.
        self.elect(winner)
        self.attach()
        return True

    def count_complete(self) -> bool:
        return super().count_complete() or self.last_vacancy_candidate() is not None

    def exclusion_parcels(self, rows: np.ndarray) -> list[np.ndarray]:
        # NI 51(2)-(3): the papers on which the excluded candidates have first preferences,
        # transferred at their value of one; NI 51(5)-(9): then the papers transferred to them,
        # one sub-parcel per transfer value, highest first.
        original = rows[~self.transferred[rows]]
        received = rows[self.transferred[rows]]
        values = self.papers.value[received]
        parcels = [original] if len(original) else []
        parcels += [received[values == v] for v in sorted(np.unique(values), reverse=True)]
        return parcels
