"""Printable documents: poll cards (one voter a page, code in large type) and the notice of
the result. fpdf2 with its built-in fonts; text outside Latin-1 is shown as '?'."""

from __future__ import annotations

from django.utils.timezone import localtime
from fpdf import FPDF

from mutualise.audit.services import notice_record
from mutualise.counting import report
from mutualise.register.models import Member

from . import services


def _text(value) -> str:
    return str(value).encode("latin-1", "replace").decode("latin-1")


def _para(doc: FPDF, height: float, text: str) -> None:
    doc.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _document(title: str) -> FPDF:
    doc = FPDF(format="A4")
    doc.set_title(_text(title))
    doc.set_author("mutualise")
    doc.set_auto_page_break(auto=True, margin=15)
    return doc


def poll_cards(election, issued, vote_url: str = "", progress=None) -> bytes:
    """One page per voter: who they are, the election, how to vote, and their code.
    `progress(cards_done)` is called as the pages are laid out (the worker's job)."""
    close = localtime(services.timetable(election).close_of_poll)
    doc = _document(f"Poll cards: {election.title}")
    members = {m.pk: m for m in _members(issued)}
    for done, item in enumerate(issued):
        if progress is not None:
            progress(done)
        member = members[item.roll_entry.member_id]
        doc.add_page()
        doc.set_font("Helvetica", size=11)
        _para(doc, 6, _text(member.display_name))
        if member.address:
            _para(doc, 6, _text(member.address))
        if member.postcode:
            _para(doc, 6, _text(member.postcode))
        doc.ln(20)
        doc.set_font("Helvetica", "B", 16)
        _para(doc, 8, _text(election.organisation.name))
        _para(doc, 8, _text(f"Poll card: {election.title}"))
        doc.ln(4)
        doc.set_font("Helvetica", size=12)
        _para(
            doc,
            7,
            _text(
                f"Membership number {member.number}. You may vote once. The poll closes at "
                f"{close:%H:%M} on {close:%A %d %B %Y}."
            ),
        )
        if vote_url:
            _para(doc, 7, _text(f"Vote online at {vote_url}"))
        doc.ln(6)
        doc.set_font("Helvetica", size=12)
        doc.cell(0, 8, "Your voting code:", new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Courier", "B", 26)
        doc.cell(0, 16, item.code, new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", size=10)
        _para(
            doc,
            6,
            "Keep this code private: anyone who has it can vote in your place. If it is lost, "
            "ask the returning officer for a new one; this one will then stop working.",
        )
    return bytes(doc.output())


def _members(issued):
    return Member.objects.filter(pk__in=[item.roll_entry.member_id for item in issued])


def results_notice(election) -> bytes:
    doc = _document(f"Result: {election.title}")
    doc.add_page()
    doc.set_font("Helvetica", "B", 16)
    _para(doc, 8, _text(election.organisation.name))
    _para(doc, 8, _text(f"Declaration of result: {election.title}"))
    doc.ln(4)
    doc.set_font("Helvetica", size=11)
    turnout = election.turnout or {}
    _para(
        doc,
        6,
        _text(
            f"Seats: {election.vacancies}. Electorate: {turnout.get('voters', 0)}. "
            f"Ballots: {turnout.get('ballots', 0)} ({turnout.get('percent', 0)}%). "
            f"Method: {election.method_name}."
        ),
    )
    doc.ln(4)
    doc.set_font("Helvetica", "B", 12)
    doc.cell(0, 8, "Elected", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", size=11)
    for candidate in election.candidates.filter(elected=True).order_by("position"):
        doc.cell(0, 6, _text(candidate.ballot_name), new_x="LMARGIN", new_y="NEXT")
    _audit_record(doc, election)
    # The count sheet: each stage in words, then the transfers and totals, four stages a block.
    sheet = report.to_text(election.result) if election.result else election.report_text
    if sheet:
        doc.ln(4)
        doc.set_font("Courier", size=7)
        _para(doc, 3.5, _text(sheet))
    return bytes(doc.output())


def _audit_record(doc, election) -> None:
    """The ballots' digest and the audit chain head, so a later edit of either shows."""
    record = notice_record(election)
    if record is None:
        return
    doc.ln(4)
    doc.set_font("Helvetica", size=8)
    if record.ballots_sha256:
        _para(
            doc,
            4,
            f"Digest of the {record.ballots} ballots as counted (SHA-256, one per line, sorted):",
        )
        _para(doc, 4, record.ballots_sha256)
    _para(doc, 4, "Recorded in the audit log at (mutualise audit verify --expect):")
    _para(doc, 4, str(record.head))
