"""The verbs of an election. Each checks the rulebook and the lifecycle, changes state in one
transaction, and writes the audit event. Views, the CLI and tests all come through here."""

from __future__ import annotations

from mutualise.constitution.calendar import election_timetable

from .. import codes
from .casting import ballot_rules, cast, check_marks, marks_text, parse_marks
from .common import (
    TOO_MANY,
    BallotInvalid,
    CodeRefused,
    ElectionError,
    NotPermitted,
    facts,
    logger,
    timetable,
)
from .credentials import (
    ELECTION_ALARM,
    THROTTLE_LIMIT,
    THROTTLE_WINDOW,
    IssuedCode,
    check_code,
    email_credentials,
    issue_credentials,
    replace_credential,
)
from .nominations import (
    ballot_candidates,
    nominate,
    nominate_on_paper,
    reject_nomination,
    withdraw,
)
from .paper import discard_paper_keying, key_paper_ballot
from .receipts import ReceiptCheck, check_receipt, email_receipt
from .replacement import SEARCH_LIMIT, find_voters, has_voted, replace_voting_pack, voter
from .roll import correct_roll, freeze_roll, roll_counts
from .setup import create_election, earliest_close_of_poll, move_close_of_poll
from .transitions import transition, void
from .unfilled import co_opt, give_casting_vote, reopen_nominations
from .work import COUNT_JOB, POLL_CARDS_JOB, queue_count, queue_poll_cards

__all__ = [
    "COUNT_JOB",
    "POLL_CARDS_JOB",
    "queue_count",
    "queue_poll_cards",
    "BallotInvalid",
    "CodeRefused",
    "ELECTION_ALARM",
    "ElectionError",
    "IssuedCode",
    "NotPermitted",
    "ReceiptCheck",
    "THROTTLE_LIMIT",
    "THROTTLE_WINDOW",
    "TOO_MANY",
    "ballot_candidates",
    "ballot_rules",
    "cast",
    "check_code",
    "check_marks",
    "check_receipt",
    "email_receipt",
    "co_opt",
    "earliest_close_of_poll",
    "codes",
    "give_casting_vote",
    "reopen_nominations",
    "correct_roll",
    "create_election",
    "discard_paper_keying",
    "election_timetable",
    "email_credentials",
    "facts",
    "freeze_roll",
    "issue_credentials",
    "key_paper_ballot",
    "logger",
    "marks_text",
    "move_close_of_poll",
    "nominate",
    "nominate_on_paper",
    "SEARCH_LIMIT",
    "find_voters",
    "has_voted",
    "replace_voting_pack",
    "voter",
    "parse_marks",
    "reject_nomination",
    "replace_credential",
    "roll_counts",
    "timetable",
    "transition",
    "void",
    "withdraw",
]
