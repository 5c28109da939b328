"""One parser for every way a meeting vote comes in: the online poll (at the meeting or in
advance), a proxy's discretionary vote, a proxy's instruction, and a paper poll card keyed at
the chair's console. What the services store is exactly what `parse_choice` returns."""

from __future__ import annotations

from .models import Choice

DISCRETION = "discretion"
LONGEST = 32  # characters of input looked at; anything longer is refused unread


class ChoiceInvalid(ValueError):
    """A vote that is not for, against or abstain; the message says what and where."""


def _clean(raw, where: str) -> str:
    if not isinstance(raw, str):
        raise ChoiceInvalid(f"{where}: a vote is the word for, against or abstain")
    if len(raw) > LONGEST:
        raise ChoiceInvalid(f"{where}: a vote is one word: for, against or abstain")
    return raw.strip().lower()


def parse_choice(raw, where: str = "choice") -> str:
    """'For', ' against ' -> 'for', 'against'; anything else is refused."""
    text = _clean(raw, where)
    if text not in Choice.values:
        shown = raw.strip()[:LONGEST] if isinstance(raw, str) else raw
        raise ChoiceInvalid(f"{where}: a vote is for, against or abstain, not {shown!r}")
    return text


def parse_instruction(raw, where: str) -> str:
    """A proxy's instruction: a choice, or discretion (the proxy decides)."""
    text = _clean(raw, where)
    if text == DISCRETION:
        return DISCRETION
    try:
        return parse_choice(text, where)
    except ChoiceInvalid:
        raise ChoiceInvalid(
            f"{where}: a proxy's instruction is for, against, abstain or discretion"
        ) from None
