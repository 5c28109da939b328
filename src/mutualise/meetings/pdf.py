"""Notice of a meeting as PDF (fpdf2): the notice with its agenda and each resolution's kind and
threshold, the proxy form where the rules allow proxies, and post-ready letters."""

from __future__ import annotations

from django.utils import timezone
from fpdf import FPDF

from . import facts


def _text(value: str) -> str:
    # The core PDF fonts are Latin-1: replace what they cannot draw rather than fail.
    replacements = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-"}
    for bad, good in replacements.items():
        value = value.replace(bad, good)
    return value.encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.set_title(_text(title))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(20, 20, 20)

    def heading(self, text: str, size: int = 16) -> None:
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, size * 0.5, _text(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def para(self, text: str, size: int = 11, style: str = "") -> None:
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, 5.5, _text(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)


def notice_lines(meeting, *, remote: bool = True) -> list[tuple[str, str]]:
    """The notice as (style, text) lines, shared by the PDF and the page. `remote`: whether to
    give the video call's address (not to the public when the meeting is closed to them)."""
    constitution = meeting.organisation.constitution
    when = timezone.localtime(meeting.starts_at)
    lines = [
        (
            "h1",
            f"Notice of the {meeting.get_kind_display().lower()} of {meeting.organisation.name}",
        ),
        ("p", f"{meeting.title}: {when:%A %-d %B %Y at %H:%M}, {meeting.place or 'online'}."),
    ]
    if meeting.state == "draft":
        lines.insert(0, ("p", "DRAFT FOR CHECKING: notice has not been given of this meeting."))
    if meeting.online:
        lines.append(("p", "Members may attend and vote online."))
    if meeting.is_annual:  # meetings.agm.open_to_public
        lines.append(("p", facts.attendance_words(meeting)))
    if meeting.remote_url and remote:
        lines.append(("p", f"To attend remotely, join the video call: {meeting.remote_url}"))
    days = facts.notice_days(meeting)
    lines.append(("p", f"The rules require {days} clear days' notice of this meeting."))
    lines.append(("h2", "Agenda and resolutions"))
    for resolution in meeting.resolutions.order_by("number"):
        kind = constitution.resolution(resolution.kind_id)
        lines.append(("h3", f"{resolution.number}. {resolution.title} ({kind.name})"))
        lines.append(("p", resolution.text))
        rule = f"To pass it needs {kind.threshold} {kind.base.words}"
        if kind.turnout is not None:
            rule += f", with {kind.turnout} of all members voting"
        rule += "."
        if kind.confirmation is not None:
            rule += " It must then be confirmed at a second meeting."
        lines.append(("small", rule))
        if resolution.advance_voting:
            lines.append(("small", "You may vote on this resolution online before the meeting."))
    return lines


def _write_notice(pdf: _Document, meeting, remote: bool = True) -> None:
    for style, text in notice_lines(meeting, remote=remote):
        if style == "h1":
            pdf.heading(text, 16)
        elif style == "h2":
            pdf.heading(text, 13)
        elif style == "h3":
            pdf.heading(text, 11)
        else:
            pdf.para(text, 9 if style == "small" else 11, "I" if style == "small" else "")


def _write_proxy_form(pdf: _Document, meeting) -> None:
    rules = meeting.organisation.constitution.meetings.proxies
    if not rules.allowed:
        return
    pdf.add_page()
    pdf.heading(f"Proxy form: {meeting.title}")
    who = "another member" if rules.proxy_must_be_member else "any person"
    pdf.para(
        f"I, a member of {meeting.organisation.name}, appoint {who} named below, or if no one "
        "is named the chair of the meeting, as my proxy to vote for me at the meeting."
    )
    if rules.lodge_hours_before is not None:
        pdf.para(
            f"This form must arrive at least {rules.lodge_hours_before} hours before the meeting."
        )
    if rules.max_per_proxy is not None:
        pdf.para(f"No one may hold more than {rules.max_per_proxy} proxies.")
    pdf.para("Member's name and number: ____________________________________________")
    pdf.para("Proxy's name: ____________________________________________")
    pdf.para("Mark each resolution For, Against or Abstain; unmarked, the proxy decides.")
    for resolution in meeting.resolutions.order_by("number"):
        pdf.para(
            f"{resolution.number}. {resolution.title}:   For [  ]   Against [  ]   Abstain [  ]"
        )
    pdf.para("Signed: ______________________   Date: ____________")


def notice_pdf(meeting, *, remote: bool = True) -> bytes:
    pdf = _Document(f"Notice: {meeting.title}")
    pdf.add_page()
    _write_notice(pdf, meeting, remote)
    _write_proxy_form(pdf, meeting)
    return bytes(pdf.output())


def letters_pdf(meeting, members) -> bytes:
    """One letter per member who takes post: address block, then the notice and proxy form."""
    pdf = _Document(f"Letters: {meeting.title}")
    for member in members:
        pdf.add_page()
        pdf.para("\n".join([member.display_name, member.address, member.postcode]).strip())
        pdf.ln(8)
        pdf.para(f"Membership number {member.number}", 9)
        _write_notice(pdf, meeting)
        _write_proxy_form(pdf, meeting)
    return bytes(pdf.output())
