"""An import job's states (`PendingImport.state`) and the one table of moves between them, in
the style of register/lifecycle.py (issue 20 item 2): uploaded -> queued -> running -> done,
or failed from any state before done. Guards read an `ImportFacts` snapshot and return
`(allowed, reason)`; `blocking` lists every refused move's reason at once."""

from __future__ import annotations

from dataclasses import dataclass

UPLOADED, QUEUED, RUNNING, DONE, FAILED = "uploaded", "queued", "running", "done", "failed"
STATES = (UPLOADED, QUEUED, RUNNING, DONE, FAILED)
WAITING = frozenset({UPLOADED, QUEUED, RUNNING})  # a killed worker's job runs again


@dataclass(frozen=True)
class ImportFacts:
    state: str

    @classmethod
    def of(cls, pending) -> ImportFacts:
        return cls(state=pending.state)


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    refusal: str  # when the state is not one of the sources; {state} filled in


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        # The preview's decision: import it now or put it on the worker's queue.
        Move("queue", frozenset({UPLOADED}), QUEUED, "this upload has already been accepted"),
        Move("run", WAITING, RUNNING, "this upload is {state}, not waiting to be imported"),
        Move("finish", frozenset({RUNNING}), DONE, "this upload is {state}, not running"),
        Move("fail", WAITING, FAILED, "this upload is {state}, not waiting to be imported"),
    )
}


def check(name: str, facts: ImportFacts) -> tuple[bool, str]:
    """(allowed, reason) for one move from the upload's state as the facts have it."""
    move = MOVES[name]
    if facts.state not in move.sources:
        return False, move.refusal.format(state=facts.state)
    return True, ""


def blocking(facts: ImportFacts) -> dict[str, str]:
    """Every move refused now, with its reason."""
    refused = {name: check(name, facts) for name in MOVES}
    return {name: reason for name, (allowed, reason) in refused.items() if not allowed}


def awaits_decision(pending) -> bool:
    """The upload is still for the officer to preview and accept (or discard)."""
    return check("queue", ImportFacts.of(pending))[0]
