"""A job's states and the moves between them (pure: no Django)."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {
            "queued": "Waiting to start",
            "running": "Running",
            "done": "Finished",
            "failed": "Failed",
        }[self.value]


# (from, to) -> why it happens. A lost worker's job goes back to QUEUED (retried) or FAILED.
TRANSITIONS: dict[tuple[State, State], str] = {
    (State.QUEUED, State.RUNNING): "a worker started it",
    (State.RUNNING, State.DONE): "the work committed",
    (State.RUNNING, State.FAILED): "the work raised an error, or its worker was lost too often",
    (State.RUNNING, State.QUEUED): "its worker was lost; it is tried again",
    (State.QUEUED, State.FAILED): "it could not be started",
}


def may_move(current: str, to: State) -> tuple[bool, str]:
    try:
        state = State(current)
    except ValueError:
        return False, f"unknown state '{current}'"
    if (state, to) in TRANSITIONS:
        return True, ""
    return False, f"a {state.value} job cannot become {to.value}"
