"""The machinery shared by the two "last parcel" STV rules: ERS97 (`ers97.py`) and the NHS
foundation trust Model Election Rules (`nhs_mer.py`).

Both count in hundredths of a vote; a later surplus is passed on from the last batch (sub-parcel)
the candidate received only, every paper of it at one transfer value truncated to 2 decimal
places; an excluded candidate's papers move batch by batch, highest value first; surpluses
that cannot change the order of the lowest are deferred; ties look forward from the first stage
(the earliest point where the tied candidates differed, `ties.look_forward`), then lot. The rule modules supply the
points where they differ (quota, strictness, what forms a stage, how the last seats fill), each
citing its own paragraphs. Paragraphs cited here are ERS97's and, for the MER, those of the
Local Elections (Northern Ireland) Order 1985 rules it follows ("NI"; see `nhs_mer.py`).

Papers of a group of identical rankings always travel together (a parcel is chosen by holder
and batch, never within a group), so one holder, value and batch per group is exact.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from ..ballots import Profile
from ..result import CountError, CountResult, Stage, Value
from ..ties import History, TieBreaker, look_forward
from .papers import EXHAUSTED, Papers, VotesShown, standing_candidates, sum_by_candidate

PLACES = 2
UNIT = 10**PLACES  # one vote, in hundredths


def votes(units: Any) -> Decimal:
    return Decimal(int(units)).scaleb(-PLACES)


class LastParcelCount:
    """One count. Subclasses set NAME and the rule hooks below."""

    NAME = ""
    STRICT_DEFERRAL = False  # True: "less than" (NI 49(10)); False: "does not exceed" (ERS97)
    BATCH_IS_STAGE = False  # True: each sub-parcel of an exclusion is its own stage (NI 51)
    DEFER_ONLY_FOR_EXCLUDABLE = True  # ERS97 5.2.2(b): a group that "could be excluded"

    def __init__(self, profile: Profile, seats: int | None, ties: TieBreaker):
        self.source = profile
        # A paper counts only while its preferences are in unambiguous consecutive order; an
        # equal ranking ends it (ERS97 6.10, 6.12; NI 50(4)). A shared first preference makes
        # the paper invalid (ERS97 6.9; NI 46(1)(c)).
        self.profile = profile.strict_prefix()
        self.seats = profile.seats if seats is None else seats
        self.ties = ties
        n = self.n = profile.n_candidates
        standing = standing_candidates(profile, self.seats)
        self.continuing = np.zeros(n + 1, dtype=bool)  # last entry stands for the padding
        self.continuing[standing] = True
        self.papers = Papers(self.profile, UNIT)
        groups = len(self.papers.weights)
        self.batch = np.zeros(groups, dtype=np.int64)  # the transfer that brought each group
        self.transferred = np.zeros(groups, dtype=bool)  # False: still a first preference
        self.last_batch: dict[int, int] = {}
        self.batches = 0
        self.elected: list[int] = []
        self.elected_at_first_stage: set[int] = set()
        self.just_elected: list[int] = []
        self.stages: list[Stage] = []
        self.points = History()  # totals after the first stage and every batch
        self.labels: list[str] = []
        self.non_transferable = 0
        self.notes: list[str] = []
        self.forming = False  # True while a transfer is under way and its stage not yet recorded
        self.shown = VotesShown(PLACES)

    # -- hooks ---------------------------------------------------------------------------
    def first_quota(self, valid: int) -> int:
        raise NotImplementedError

    def deem_elected(self) -> None:
        raise NotImplementedError

    def exclusion_parcels(self, rows: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    def after_batch(self, exhausted: int) -> None:
        """Called after each batch of an exclusion (ERS97 5.4.8 recalculates the quota)."""

    def last_vacancy_filled(self) -> bool:
        """A rule that fills the last vacancy early (NI 52(2)) does it here."""
        return False

    def transfers_surpluses(self) -> bool:
        return True

    # -- the count -------------------------------------------------------------------------
    def run(self) -> CountResult:
        papers = self.papers
        rows = np.arange(len(papers.weights))
        holders = papers.advance(rows, self.continuing)
        # Papers marked only for withdrawn candidates carry no valid first preference.
        unusable = int(papers.weights[holders == EXHAUSTED].sum())
        self.valid = int(papers.weights.sum()) - unusable
        if self.valid == 0:  # nobody to elect from: no lot among candidates with no votes
            raise CountError("no valid ballots to count")
        self.quota = self.first_quota(self.valid)
        self.totals = sum_by_candidate(holders, papers.amounts(rows), self.n)
        self.record("first", [], np.zeros(self.n, np.int64), 0)
        self.point("stage 1")
        self.deem_elected()
        self.elected_at_first_stage = set(self.just_elected)
        self.attach()
        while len(self.elected) < self.seats:
            remaining = self.seats - len(self.elected)
            continuing = self.continuing_candidates()
            if len(continuing) <= remaining:
                self.elect_all(continuing)
                break
            if self.last_vacancy_filled():
                break
            pending = self.pending_surpluses()
            deferred = sum(int(self.totals[c]) - self.quota for c in pending)
            if pending and not self.can_defer(deferred, continuing, remaining):
                self.transfer_surplus(self.largest_surplus(pending))
                continue
            group = self.exclusion_group(deferred, continuing, remaining)
            if len(continuing) - len(group) <= remaining:
                # The exclusion would leave as many continuing candidates as places: they are
                # elected and no further transfer is made (ERS97 5.5.1; NI 52(1), 52(3)). The
                # excluded are shown, untransferred, at the last stage.
                self.stages[-1].excluded += group
                for tie in self.ties.records:  # the tie that chose them belongs here too
                    if tie.stage == len(self.stages) + 1:
                        tie.stage = len(self.stages)
                self.elect_all([c for c in continuing if c not in group])
                break
            self.exclude(group)
        return self.result(unusable)

    def continuing_candidates(self) -> list[int]:
        return [int(c) for c in np.flatnonzero(self.continuing[: self.n])]

    def pending_surpluses(self) -> list[int]:
        if not self.transfers_surpluses():
            return []
        return [c for c in self.elected if self.totals[c] > self.quota]

    def elect(self, c: int) -> None:
        self.continuing[c] = False
        self.elected.append(c)
        self.just_elected.append(c)

    def attach(self) -> None:
        self.stages[-1].elected += self.just_elected
        self.just_elected = []

    def elect_all(self, candidates: list[int]) -> None:
        for c in self.by_votes(candidates, "order of election"):
            self.elect(c)
        self.attach()

    def by_votes(self, candidates: list[int], purpose: str) -> list[int]:
        ordered: list[int] = []
        left = list(candidates)
        while left:
            top = max(self.totals[c] for c in left)
            tied = [c for c in left if self.totals[c] == top]
            pick = tied[0] if len(tied) == 1 else self.forward(tied, purpose, lowest=False)
            assert pick is not None
            ordered.append(pick)
            left.remove(pick)
        return ordered

    def stage_now(self) -> int:
        """The stage a decision belongs to: the one being formed, or the last one recorded."""
        return len(self.stages) + self.forming

    def forward(
        self, tied: list[int], purpose: str, *, lowest: bool, lot: bool = True, ahead: bool = False
    ):
        # `ahead`: the tie decides what the next stage does (surplus order, exclusion), so it is
        # noted on that stage, not on the one before.
        stage = len(self.stages) + 1 if ahead else self.stage_now()
        return look_forward(
            self.ties, tied, self.points, self.labels, stage, purpose, lowest=lowest, lot=lot
        )

    # -- deferral and exclusion ----------------------------------------------------------------
    def fits(self, low_total: int, deferred: int, above: int) -> bool:
        if self.STRICT_DEFERRAL:
            return low_total + deferred < above
        return low_total + deferred <= above

    def can_defer(self, deferred: int, continuing: list[int], remaining: int) -> bool:
        """A surplus is deferred while it cannot lift the lowest candidate(s) above the next
        (ERS97 5.2.2(a)-(b); NI 49(10)(a)-(b))."""
        totals = sorted(int(self.totals[c]) for c in continuing)
        largest = len(totals) - remaining if self.DEFER_ONLY_FOR_EXCLUDABLE else len(totals) - 1
        running = 0
        for k in range(1, max(largest, 1) + 1):
            running += totals[k - 1]
            if self.fits(running, deferred, totals[k]):
                return True
        return False

    def exclusion_group(self, deferred: int, continuing: list[int], remaining: int) -> list[int]:
        """As many of the lowest as can go together (ERS97 5.2.5; NI 51(12)), never splitting
        equal totals and leaving enough to fill the places; else the single lowest, equal
        lowest decided by the earliest point where they differed, then lot (ERS97 5.2.5;
        NI 51(13))."""
        order = sorted(continuing, key=lambda c: int(self.totals[c]))
        totals = [int(self.totals[c]) for c in order]
        best = 0
        running = 0
        for k in range(1, len(order) - remaining + 1):
            running += totals[k - 1]
            if k >= 2 and totals[k - 1] != totals[k] and self.fits(running, deferred, totals[k]):
                best = k
        if best:
            return order[:best]
        bottom = totals[0]
        tied = [c for c in order if self.totals[c] == bottom]
        if len(tied) == 1:
            return tied
        pick = self.forward(tied, "exclusion", lowest=True, ahead=True)
        assert pick is not None
        return [pick]

    def largest_surplus(self, pending: list[int]) -> int:
        # The largest first; equal: the highest at the earliest point where they differed, then
        # lot (ERS97 5.2.3; NI 50(1)(a)-(b)).
        top = max(self.totals[c] for c in pending)
        tied = [c for c in pending if self.totals[c] == top]
        if len(tied) == 1:
            return tied[0]
        pick = self.forward(tied, "surplus order", lowest=False, ahead=True)
        assert pick is not None
        return pick

    # -- moving papers -----------------------------------------------------------------------
    def move(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Move `rows` to their next available preference; a new batch for whoever receives."""
        holders = self.papers.advance(rows, self.continuing)
        self.batches += 1
        moved = rows[holders != EXHAUSTED]
        self.batch[moved] = self.batches
        self.transferred[moved] = True
        for c in np.unique(holders[holders != EXHAUSTED]):
            self.last_batch[int(c)] = self.batches
        return holders, self.papers.amounts(rows)

    def surplus_parcel(self, candidate: int) -> np.ndarray:
        rows = self.papers.held_by(candidate)
        if candidate in self.elected_at_first_stage or candidate not in self.last_batch:
            return rows  # a first-stage surplus: all the papers (ERS97 5.3.1; NI 49(1))
        # A later surplus: only the last batch received (ERS97 5.3.2; NI 49(5)).
        return rows[self.batch[rows] == self.last_batch[candidate]]

    def transfer_surplus(self, candidate: int) -> None:
        papers = self.papers
        surplus = int(self.totals[candidate]) - self.quota
        self.forming = True
        rows = self.surplus_parcel(candidate)
        holders = papers.advance(rows, self.continuing)
        transferable = rows[holders != EXHAUSTED]
        count = int(papers.weights[transferable].sum())
        value = int(papers.amounts(transferable).sum())
        # Transfer value: the surplus divided by the number of transferable papers, to two
        # decimal places, remainder ignored; never more than the value the paper arrived at
        # (ERS97 5.3.7; NI 49(4), 49(7)).
        if value > surplus:
            papers.value[transferable] = surplus // count
        self.batches += 1
        self.batch[transferable] = self.batches
        self.transferred[transferable] = True
        gained = sum_by_candidate(holders, papers.amounts(rows), self.n)
        for c in np.flatnonzero(gained):
            self.last_batch[int(c)] = self.batches
        before = self.totals.copy()
        self.totals += gained
        self.totals[candidate] = self.quota
        # What is not passed on (the neglected remainders, and the share of papers with no
        # next preference) is recorded as non-transferable (ERS97 5.3.9; NI 50(2)(c)).
        lost = surplus - int(gained.sum())
        self.non_transferable += lost
        self.record("surplus", [candidate], before, lost)
        self.forming = False
        if value > surplus:
            self.stages[-1].transfer_value = votes(surplus // count)
        self.point(f"stage {len(self.stages)}")
        self.deem_elected()
        self.attach()

    def exclude(self, group: list[int]) -> None:
        # All the excluded candidates' papers, batch by batch in the rule's order, to the next
        # continuing preference at the value they arrived at; whoever reaches the quota on the
        # way receives no more (ERS97 5.4; NI 51(2)-(10)).
        papers = self.papers
        for c in group:
            self.continuing[c] = False
        rows = np.flatnonzero(np.isin(papers.holder, group))
        parcels = self.exclusion_parcels(rows)
        before = self.totals.copy()
        stage_lost = 0
        self.forming = True
        for i, parcel in enumerate(parcels):
            note = parcel_note(self, parcel)
            origin = papers.holder[parcel].copy()
            holders, amounts = self.move(parcel)
            self.totals -= sum_by_candidate(origin, amounts, self.n)
            self.totals += sum_by_candidate(holders, amounts, self.n)
            exhausted = int(amounts[holders == EXHAUSTED].sum())
            self.non_transferable += exhausted
            stage_lost += exhausted
            self.after_batch(exhausted)
            if self.BATCH_IS_STAGE:
                self.record("exclusion", list(group), before, stage_lost, note=note)
                self.forming = False
                self.stages[-1].excluded = list(group) if i == 0 else []
                self.point(f"stage {len(self.stages)}")
                self.deem_elected()
                self.attach()
                before = self.totals.copy()
                stage_lost = 0
                self.forming = True
            else:
                self.point(f"stage {len(self.stages) + 1} batch {i + 1}")
                self.deem_elected()
            if self.count_complete():
                break
        self.forming = False  # (a batch-per-stage exclusion has recorded its stages already)
        if not self.BATCH_IS_STAGE or not parcels:
            self.record("exclusion", list(group), before, stage_lost)
            self.stages[-1].excluded = list(group)
            if not parcels:
                self.point(f"stage {len(self.stages)}")
            self.attach()

    def count_complete(self) -> bool:
        remaining = self.seats - len(self.elected)
        return remaining == 0 or len(self.continuing_candidates()) <= remaining

    # -- the record ------------------------------------------------------------------------
    def point(self, label: str) -> None:
        self.points.append(self.totals.copy())
        self.labels.append(label)

    def record(self, action: str, subjects: list[int], before, lost: int, note: str = "") -> None:
        self.stages.append(
            Stage(
                number=len(self.stages) + 1,
                action=action,
                subjects=subjects,
                totals=self.shown.of(self.totals),
                transfers=self.shown.of(self.totals - before),
                non_transferable=votes(lost),
                loss=votes(0),
                note=note,
            )
        )

    def quota_value(self) -> Value:
        return votes(self.quota)

    def result(self, unusable: int) -> CountResult:
        return CountResult(
            method=self.NAME,
            candidates=list(self.profile.candidates),
            seats=self.seats,
            quota=self.quota_value(),
            valid_poll=self.valid,
            stages=self.stages,
            elected=self.elected,
            invalid=self.profile.invalid + unusable,
            title=self.profile.title,
            decimals=PLACES,
            tie_breaks=self.ties.records,
            seed=self.ties.seed,
            withdrawn=sorted(self.profile.withdrawn),
            notes=self.notes,
            extra={"non_transferable": str(votes(self.non_transferable))},
        )


def parcel_note(count: LastParcelCount, parcel: np.ndarray) -> str:
    if not count.transferred[parcel].any():
        return "first preference papers"
    values = np.unique(count.papers.value[parcel])
    return "papers at transfer value " + ", ".join(str(votes(v)) for v in values)
