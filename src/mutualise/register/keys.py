"""Normalised keys for finding people: search and duplicate detection compare these, never the
text as typed. Name keys hold only [a-z0-9] and postcode keys [A-Z0-9 ], so they sort the same
under any database collation and a prefix search is a plain index range."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Honorifics people add or leave off between one register and the next.
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "revd"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return ascii_only.casefold().replace("ß", "ss")


def name_words(name: str) -> list[str]:
    if name.isascii():
        folded = name.lower().replace("'", "")
        if folded.replace(" ", "").isalnum():  # [a-z0-9] and spaces (most names): quicker
            words = folded.split()
        else:
            words = [w for w in _NOT_ALNUM.split(folded) if w]
    else:
        words = [w for w in _NOT_ALNUM.split(_fold(name).replace("'", "")) if w]
    while words and words[0] in _TITLES and len(words) > 1:
        words = words[1:]
    return words


def name_key(name: str) -> str:
    """'  Dr Zoë  O'Brien-Smith ' -> 'zoeobriensmith'."""
    return "".join(name_words(name))


def surname_key(name: str) -> str:
    """The last word of the name: what an officer most often types."""
    words = name_words(name)
    return words[-1] if words else ""


def name_and_surname_keys(name: str) -> tuple[str, str]:
    if name.isascii():  # name_words' quick path, here too: the importer calls this per row
        folded = name.lower().replace("'", "")
        if folded.replace(" ", "").isalnum():
            words = folded.split()
            if words[0] not in _TITLES or len(words) == 1:
                return "".join(words), words[-1]
    words = name_words(name)
    return "".join(words), (words[-1] if words else "")


def postcode_key(postcode: str) -> str:
    """' sw1a1aa' -> 'SW1A 1AA': upper case, one space before the inward code, so that a
    district search ('NE1 ') cannot match NE10 to NE19."""
    compact = re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())[:7]
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact


def email_key(email: str) -> str:
    return (email or "").strip().lower()


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` ([a-z0-9] only):
    'smi' -> 'smj', so `key >= 'smi' AND key < 'smj'` is an index range scan."""
    if not prefix:
        return "\uffff"
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
