"""ERS97 STV: the Electoral Reform Society's "How to conduct an election by the Single
Transferable Vote", 3rd edition 1997 (Robert Newland and Frank Britton), section 5. Paragraph
numbers below are the rules'; section 6 is its glossary.

Values are in hundredths of a vote (integers), exactly as the hand count keeps them: the quota to
two decimal places rounded up (5.1.6); a surplus arising at the first stage passes on all the
candidate's papers, a later one only the last batch received (5.3.1-5.3.2); the transfer value
is the surplus divided by the number of transferable papers, to 2 dp with the remainder
ignored (5.3.7); surpluses that cannot change the order of the lowest are deferred (5.2.2);
exclusions are in bulk where the rules allow (5.2.5) and pass on papers batch by batch, highest
value first, electing as they go (5.4); ties look forward from the first stage, then lot.

The last vacancies: 5.5.1 (as many continuing candidates as places left: all elected, no
further transfer; `LastParcelCount.run`) and 5.1.7(b) with 5.6.1 (votes above the total active
vote over places left + 1, where the active vote still includes every paper not yet
transferred; `deem_elected`). ERS97 has no shortcut like NI 52(2).

Equal votes among candidates to be deemed elected (5.1.7, 5.3.13, 5.4.9) with not enough places
for them all (5.6.2): chosen in descending order of votes at the first stage or the earliest
point after a batch of papers where they differed; equal at all such points, "none of them shall
be deemed elected at that stage". The count goes on, and the stage explanation says so (checked
against the text of the rules as OpenSTV's ERS97 plugin reproduces them).

Where the rules are silent this module chooses, and says so: the "total active vote" test of
5.1.7(b) needs a vote above zero; a bulk exclusion never splits candidates with equal votes; a
candidate elected only because the quota fell (5.4.8) with no batch received passes on all
papers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ballots import Profile
from ..info import BallotKind, MethodInfo
from ..result import CountError, CountResult
from ..ties import TieBreaker, refuse_tie_order
from ._last_parcel import UNIT, LastParcelCount, votes

NAME = "ers97-stv"
ALIASES = ("ers97",)
INFO = MethodInfo(
    name="ERS97 STV",
    summary="Single transferable vote by the Electoral Reform Society's 1997 hand-count rules",
    ballot=BallotKind.RANKED,
    rules={
        "quota": "rule 5.1.7(a)",
        "active_vote": "rule 5.1.7(b)",
        "surplus": "rule 5.3",
        "exclusion": "rule 5.4",
        "bulk_exclusion": "rule 5.2.5",
        "last_vacancies": "rule 5.5.1",
    },
    phrases={
        # 5.2.5(b): "The total votes of these candidates, together with the total of any
        # deferred surpluses, does not exceed the vote of the candidate next above."
        "bulk_exclusion": "their total votes together with any deferred surpluses do not "
        "exceed the vote of the candidate next above",
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
        raise CountError(f"ers97-stv takes no options {sorted(options)}")
    refuse_tie_order(profile, INFO.name)
    return _Ers97Count(profile, seats, tie_breaker or TieBreaker(seed)).run()


def quota_for(valid_units: int, seats: int) -> int:
    """5.1.6: the valid vote divided by one more than the places, to two decimal places; if not
    exact, the remainder is ignored and 0.01 added (in hundredths: rounded up)."""
    return -(-valid_units // (seats + 1))


class _Ers97Count(LastParcelCount):
    NAME = NAME
    STRICT_DEFERRAL = False  # 5.2.2, 5.2.5(b): "does not exceed"
    BATCH_IS_STAGE = False  # 5.2.7: an exclusion, however many batches, is one stage

    # -- 5.1.6 the quota, and 5.4.8 its recalculation ---------------------------------------
    def first_quota(self, valid: int) -> int:
        return quota_for(valid * UNIT, self.seats)

    def after_batch(self, exhausted: int) -> None:
        # 5.4.8: papers non-transferable before anyone is deemed elected lower the quota.
        if exhausted and not self.elected:
            new = quota_for(self.valid * UNIT - self.non_transferable, self.seats)
            if new != self.quota:
                self.notes.append(
                    f"quota recalculated to {votes(new)} (rule 5.4.8) at stage "
                    f"{len(self.stages) + 1}"
                )
                self.quota = new

    # -- 5.1.7, 5.3.13, 5.4.9 deeming elected; 5.6.2 equal votes -----------------------------
    def deem_elected(self) -> None:
        while len(self.elected) < self.seats:
            remaining = self.seats - len(self.elected)
            # 5.6.1, 6.20: the total active vote is the valid vote less the non-transferable
            # vote and the quotas (or votes, if less) of those deemed elected.
            active = (
                self.valid * UNIT
                - self.non_transferable
                - sum(min(int(self.totals[c]), self.quota) for c in self.elected)
            )
            reached = [
                c
                for c in self.continuing_candidates()
                if self.totals[c] >= self.quota
                or (self.totals[c] > 0 and int(self.totals[c]) * (remaining + 1) >= active)
            ]
            if not reached:
                return
            # "Considering each candidate in turn in descending order of their votes".
            top = max(self.totals[c] for c in reached)
            tied = [c for c in reached if self.totals[c] == top]
            if len(tied) <= remaining:
                for c in self.by_votes(tied, "order of election"):
                    self.elect(c)
                continue
            # 5.6.2: more equal candidates than places: the earliest point where they differed
            # decides; equal at every point, none of them is deemed elected at this stage.
            pick = self.forward(tied, "election", lowest=False, lot=False)
            if pick is None:
                # 5.6.2 applies to deeming elected under 5.1.7, 5.3.13 or 5.4.9: by the quota
                # or by the total active vote, so the note does not say which.
                names = [self.profile.candidates[c] for c in tied]
                places = f"{remaining} place{'s' if remaining > 1 else ''}"
                self.notes.append(
                    f"stage {self.stage_now()}: {', '.join(names[:-1])} and {names[-1]} have "
                    f"equal votes ({votes(top)}), each enough to be deemed elected, with only "
                    f"{places} left, and their votes were equal at the first stage and after "
                    "every batch of papers: none of them is deemed elected at this stage "
                    "(rule 5.6.2)"
                )
                return
            self.elect(pick)

    # -- 5.4.1 batches in descending order of transfer value --------------------------------
    def exclusion_parcels(self, rows: np.ndarray) -> list[np.ndarray]:
        values = self.papers.value[rows]
        return [rows[values == v] for v in sorted(np.unique(values), reverse=True)]
