"""The questions pages ask of an election and a candidate, answered from the states of
`lifecycle.py` (issue 20, item 2: views ask the lifecycle, never state strings). `Election` and
`Candidate` take these mixins, so a template reads `election.poll_is_open`, not
`election.state == "poll_open"`.

The moves between states keep their guards in `lifecycle.py` (the console's buttons come from
`lifecycle.available`); these only say which page, branch or link a state calls for.
"""

from __future__ import annotations

from .lifecycle import BEFORE_POLL, State

# A nomination may be rejected, and a candidate withdraw, until withdrawals close
# (services.nominations refuses it otherwise).
_CANDIDACIES_OPEN = frozenset({State.NOMINATIONS_OPEN, State.NOMINATIONS_CLOSED})
# A lost voting code may be replaced once the roll is frozen, until the poll closes.
_CODES_REPLACEABLE = frozenset(
    {State.NOMINATIONS_CLOSED, State.WITHDRAWALS_CLOSED, State.POLL_OPEN}
)
# Postal and paper ballots are keyed while the poll is open and after it closes, until the count.
_BALLOTS_KEYED = frozenset({State.POLL_OPEN, State.POLL_CLOSED})
_COUNTED = frozenset({State.COUNTED, State.DECLARED})
_POLL_CLOSED_UNDECLARED = frozenset({State.POLL_CLOSED, State.COUNTED})


class ElectionQuestions:
    state: str

    @property
    def being_drafted(self) -> bool:
        """Before the notice of election: its notice is a draft, seen by officers only."""
        return self.state == State.DRAFT

    @property
    def is_void(self) -> bool:
        return self.state == State.VOID

    @property
    def notice_is_public(self) -> bool:
        """The notice of election is published and stands (not a draft, not void)."""
        return self.state not in (State.DRAFT, State.VOID)

    @property
    def timetable_may_move(self) -> bool:
        """The close of poll (and the deadlines worked back from it) may still be moved."""
        return self.state in BEFORE_POLL

    @property
    def taking_nominations(self) -> bool:
        return self.state == State.NOMINATIONS_OPEN

    @property
    def candidacies_may_change(self) -> bool:
        """A nomination may be rejected, or a candidate withdraw."""
        return self.state in _CANDIDACIES_OPEN

    @property
    def codes_may_be_replaced(self) -> bool:
        return self.state in _CODES_REPLACEABLE

    @property
    def poll_is_open(self) -> bool:
        return self.state == State.POLL_OPEN

    @property
    def ballots_may_be_keyed(self) -> bool:
        return self.state in _BALLOTS_KEYED

    @property
    def awaiting_count(self) -> bool:
        """The poll has closed and the votes are not yet counted."""
        return self.state == State.POLL_CLOSED

    @property
    def awaiting_declaration(self) -> bool:
        """Counted, the result not yet declared (a casting vote may still be due)."""
        return self.state == State.COUNTED

    @property
    def poll_closed_undeclared(self) -> bool:
        return self.state in _POLL_CLOSED_UNDECLARED

    @property
    def has_been_counted(self) -> bool:
        """Counted (declared or not): the count's report exists."""
        return self.state in _COUNTED

    @property
    def result_declared(self) -> bool:
        return self.state == State.DECLARED


class CandidateQuestions:
    status: str
    Status: type  # Candidate.Status

    @property
    def is_standing(self) -> bool:
        """Validly nominated: neither withdrawn nor rejected."""
        return self.status == self.Status.NOMINATED

    @property
    def has_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN
