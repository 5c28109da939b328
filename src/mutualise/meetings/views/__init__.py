"""Meeting pages: the members' page (notice, papers, vote in advance or online, appoint a proxy),
the chair's console, and a live results screen. Every change goes through services.py."""

from __future__ import annotations

from .console import console, console_action, paper_poll
from .members import appoint_proxy, join_online, raise_hand, revoke_proxy, vote
from .organise import (
    meeting_edit,
    meeting_new,
    meeting_prepare,
    resolution_edit,
    resolution_remove,
)
from .pages import letters_pdf, meeting_detail, meeting_list, notice_pdf
from .receipts import vote_receipt
from .record import minutes
from .requisitions import motions, requisitions
from .results import ballots_csv, receipts_csv, results, results_json

__all__ = [
    "appoint_proxy",
    "ballots_csv",
    "console",
    "console_action",
    "join_online",
    "letters_pdf",
    "meeting_detail",
    "meeting_edit",
    "meeting_list",
    "meeting_new",
    "meeting_prepare",
    "minutes",
    "motions",
    "notice_pdf",
    "paper_poll",
    "raise_hand",
    "receipts_csv",
    "resolution_edit",
    "resolution_remove",
    "requisitions",
    "results",
    "results_json",
    "revoke_proxy",
    "vote_receipt",
    "vote",
]
