"""The budget ballots' box, as the shared set-wise mixer sees it (secrecy/mixer.py says how a
batch is mixed; docs/secrecy.md why): the elections app's design, for budget ballots.

A cast writes, in ONE transaction, the `BudgetVoteRecord` (random key) and the
`HeldBudgetBallot`: the choices and the record's key sealed to a fixed length under a key kept
outside the database (mutualise.secrecy.sealing). What is this app's own: what a held ballot
holds, what it becomes (a `BudgetBallot` with its choices; a budget has no receipts), its content
for the batch's keyed sum (the choices as compact JSON, `content`), and K, the rulebook's
`elections.secrecy_batch` (the same promise as an election's). A budget with fewer than K
voters is mixed as one batch at the count.
"""

from __future__ import annotations

import json
import uuid

from mutualise.secrecy import mixer
from mutualise.secrecy.mixer import RANDOM as _RANDOM  # noqa: F401  (the control test patches it)
from mutualise.secrecy.mixer import MixFailed  # noqa: F401
from mutualise.secrecy.sealing import Sealer

from .models import Budget, BudgetBallot, BudgetVoteRecord, HeldBudgetBallot

# Room for about 150 choices ("P123", points) and the record's key.
SEAL = Sealer("participation", 2048)
MIXED_ACTION = "budget.ballots_mixed"  # one per mix batch: its keyed sum (audit/batch_sums.py)


def batch_size(budget: Budget) -> int:
    return budget.organisation.constitution.elections.secrecy_batch


def seal_cast(choices: list[tuple[str, int]], record_id: uuid.UUID) -> str:
    return SEAL.seal({"c": [list(c) for c in choices], "v": record_id.hex})


def content(choices) -> str:
    """A budget ballot's choices as the keyed sum reads them: compact JSON."""
    return json.dumps(choices, separators=(",", ":"))


def stored_ballots(budget_id: str):
    """Each mixed ballot's id and content, as the count and `audit verify` read them."""
    rows = BudgetBallot.objects.filter(budget_id=int(budget_id)).values_list("id", "choices")
    return ((str(pk), content(choices)) for pk, choices in rows.iterator(chunk_size=5000))


def _open(budget: Budget, opened: list[dict]) -> mixer.Opened:
    return mixer.Opened(
        tables=[(BudgetBallot, [{"choices": o["c"]} for o in opened])],
        contents=[content(o["c"]) for o in opened],
        record_ids=[uuid.UUID(o["v"]) for o in opened],
    )


BOX = mixer.Box(
    held=HeldBudgetBallot,
    records=BudgetVoteRecord,
    parent="budget",
    seal=SEAL,
    lock_space=7302,
    mixed_action=MIXED_ACTION,
    open=_open,
)


def mix(budget: Budget, *, final: bool = False, k: int | None = None) -> int:
    """Mix one batch if one is due (all that wait if `final`); returns how many were mixed."""
    return mixer.mix(BOX, budget, k=k or batch_size(budget), final=final)


def after_cast(budget: Budget) -> None:
    """Called after a cast has committed: about one cast in K tries to mix a batch, so the
    holding table stays near 2K without every cast counting it."""
    k = batch_size(budget)
    if mixer.RANDOM.randrange(k) == 0:
        mix(budget, k=k)


def cast_count(budget: Budget) -> int:
    """Ballots cast so far, mixed or still held."""
    return (
        BudgetBallot.objects.filter(budget=budget).count()
        + HeldBudgetBallot.objects.filter(budget=budget).count()
    )
