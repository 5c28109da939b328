"""Election pages: public (statements, ballot, receipts, results) and the officer console.

Voting keeps no session: the code and the marks travel in the form from step to step and are
checked again at every step, and the receipt is shown on a page of its own after the cast
(post, redirect, get).
"""

from __future__ import annotations

from .chair import casting_vote, co_opt
from .common import _election, _require
from .console import console, freeze_roll, issue_codes, move_poll, paper_discard, paper_entry, step
from .nominations import nominate, reject, withdraw
from .pages import ballots_blt, ballots_csv, create, detail, election_list, results, results_pdf
from .voting import api_cast, cast_receipt, receipt, receipts_txt, vote

__all__ = [
    "_election",
    "_require",
    "api_cast",
    "ballots_blt",
    "ballots_csv",
    "casting_vote",
    "co_opt",
    "console",
    "create",
    "detail",
    "election_list",
    "freeze_roll",
    "issue_codes",
    "move_poll",
    "nominate",
    "paper_discard",
    "paper_entry",
    "cast_receipt",
    "receipt",
    "receipts_txt",
    "reject",
    "results",
    "results_pdf",
    "step",
    "vote",
    "withdraw",
]
