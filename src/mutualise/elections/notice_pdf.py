"""The notice of election as a printable document (PDF): what is to be filled, who may stand
and be nominated, how, and by when, with the timetable counted from the rulebook. Before the
notice is published the returning officer sees it marked as a draft, to check it first."""

from __future__ import annotations

from django.utils.timezone import localtime

from . import seats, services
from .lifecycle import State
from .pdf import _document, _para, _text

STEP_WORDS = {
    "notice_of_election": "Notice of election published by",
    "nominations_close": "Nominations close",
    "statement_of_nominations": "Statement of the persons nominated published by",
    "withdrawals_close": "Last moment for a candidate to withdraw",
    "notice_of_poll": "Notice of poll published by",
    "close_of_poll": "The poll closes",
}
CHANNEL_WORDS = {
    "postal": "by post",
    "internet": "online",
    "telephone": "by telephone",
    "text": "by text message",
    "in-person": "in person",
}


def is_draft(election) -> bool:
    return election.state == State.DRAFT


def notice_of_election(election) -> bytes:
    constitution = election.organisation.constitution
    rules = constitution.elections
    body, group = seats.seat_group(constitution, election.body_id, election.seat_group_id)
    draft = is_draft(election)
    doc = _document(f"Notice of election: {election.title}")
    doc.add_page()
    if draft:
        doc.set_font("Helvetica", "B", 12)
        doc.set_text_color(180, 0, 0)
        _para(doc, 7, "DRAFT FOR CHECKING: this notice has not been published.")
        doc.set_text_color(0, 0, 0)
        doc.ln(2)
    doc.set_font("Helvetica", "B", 16)
    _para(doc, 8, _text(election.organisation.name))
    _para(doc, 8, _text(f"Notice of election: {election.title}"))
    doc.ln(3)
    doc.set_font("Helvetica", size=11)
    seats_word = "seat" if election.vacancies == 1 else "seats"
    _para(doc, 6, _text(
        f"An election is to be held for {election.vacancies} {seats_word} on the {body.name}: "
        f"{group.label}. Votes are counted by {election.method_name}."
    ))  # fmt: skip
    doc.ln(2)
    doc.set_font("Helvetica", "B", 12)
    _para(doc, 7, "Standing for election")
    doc.set_font("Helvetica", size=11)
    nominations = rules.nominations
    who = "a member of the constituency that elects these seats" if (
        nominations.candidate_from_electorate) else "a member"  # fmt: skip
    lines = [f"A candidate must be {who}."]
    if nominations.proposers or nominations.seconders:
        backing = []
        if nominations.proposers:
            backing.append(
                f"{nominations.proposers} proposer{'s' if nominations.proposers > 1 else ''}"
            )
        if nominations.seconders:
            backing.append(
                f"{nominations.seconders} seconder{'s' if nominations.seconders > 1 else ''}"
            )
        among = " from the same electorate" if nominations.proposers_from_electorate else ""
        lines.append(f"A nomination needs {' and '.join(backing)}{among}.")
    if nominations.statement_word_limit:
        lines.append(
            f"A candidate may give a statement of up to {nominations.statement_word_limit} words."
        )
    if body.member_minimum_age:
        lines.append(f"Members of the {body.name} must be at least {body.member_minimum_age}.")
    for line in lines:
        _para(doc, 6, _text(line))
    doc.ln(2)
    doc.set_font("Helvetica", "B", 12)
    _para(doc, 7, "Timetable")
    doc.set_font("Helvetica", size=11)
    for name, when in services.timetable(election).steps():
        moment = localtime(when)
        _para(
            doc, 6, _text(f"{STEP_WORDS.get(name, name)}: {moment:%H:%M} on {moment:%A %d %B %Y}")
        )
    channels = [CHANNEL_WORDS.get(c, c) for c in rules.channels]
    if channels:
        doc.ln(2)
        _para(doc, 6, _text(f"If there is a poll, members may vote {_joined(channels)}."))
    return bytes(doc.output())


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
