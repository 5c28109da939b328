"""When two candidates' names look the same: one key (a "skeleton") for every place that must
refuse two candidates a voter could not tell apart on a ballot paper or a result (the BLT
reader, and the elections app's nominations).

The key of a name is its NFKC form (fullwidth and mathematical letters, ligatures, non-breaking
spaces made plain), case-folded, without invisible characters (zero-width spaces and joiners,
soft hyphens, word joiners, variation selectors: Unicode format characters and the other
default-ignorable ones), with the Cyrillic, Greek, Armenian and Cherokee letters that look like
Latin ones taken as those Latin letters (decomposed first, so an accented look-alike matches too:
Cyrillic 'ё' is Latin 'ë'), the hyphens and dashes of a double-barrelled name as '-', the
apostrophes of O'Neil (’, ʼ, ′) as "'", and runs of whitespace made one space.

The look-alike table is this module's own, not Unicode's full confusables list (TR39): that list
also takes 'rn' for 'm' and '1' for 'l', which would refuse real names; the Python packages
that carry it either test one string for mixed scripts (confusable_homoglyphs) or list every
spelling a string could be confused with (confusables), neither a key to compare names by.
Each letter maps to one Latin letter whichever case it is written in (the key is case-blind),
chosen by the case that looks Latin: Cyrillic 'в' is 'b' for its capital 'В'.
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters (as case-folded) that look like a Latin letter in either case.
LOOK_ALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ѕ": "s", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
    "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "һ": "h", "ԁ": "d", "ԛ": "q",
    "ԝ": "w", "ӏ": "l", "ү": "y",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "n",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "y", "χ": "x", "ϳ": "j",
    # Armenian (small; their capitals fold to them)
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "զ": "q", "ց": "g",
    # Cherokee (case-folded to the capitals, which look like Latin capitals)
    "Ꭰ": "d", "Ꭱ": "r", "Ꭲ": "t", "Ꭵ": "i", "Ꭹ": "y", "Ꭺ": "a", "Ꭻ": "j", "Ꭼ": "e",
    "Ꮃ": "w", "Ꮇ": "m", "Ꮋ": "h", "Ꮐ": "g", "Ꮒ": "h", "Ꮓ": "z", "Ꮟ": "b", "Ꮢ": "r",
    "Ꮤ": "w", "Ꮥ": "s", "Ꮩ": "v", "Ꮪ": "s", "Ꮮ": "l", "Ꮯ": "c", "Ꮲ": "p", "Ꮶ": "k",
    "Ᏼ": "b",
    # Latin letters that stand for others: dotless i, script a and g, small capitals
    "ı": "i", "ɑ": "a", "ɡ": "g", "ᴄ": "c", "ᴏ": "o", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
    # Hyphens and dashes a hyphen is typed as (a word processor's non-breaking hyphen, an en
    # dash in a double-barrelled name), and apostrophes typed as quotation marks or primes
    "‐": "-", "‒": "-", "–": "-", "−": "-", "⁃": "-", "֊": "-",
    "‘": "'", "’": "'", "‛": "'", "ʼ": "'", "′": "'", "‵": "'",
}  # fmt: skip
_TABLE = str.maketrans(LOOK_ALIKES)
# Look-alikes that NFKC would turn into something else first: the lunate sigma (small 'ϲ',
# capital 'Ϲ', a 'c' to the eye) is NFKC's plain sigma, which looks like no Latin letter.
_BEFORE_NFKC = str.maketrans({"ϲ": "c", "Ϲ": "c"})

# Default-ignorable characters that are not format characters (category Cf, dropped as a class):
# the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian variation
# selectors and the variation selectors.
_IGNORABLE = frozenset(
    [chr(c) for c in (0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0)]
    + [chr(c) for c in range(0x180B, 0x1810)]
    + [chr(c) for c in range(0xFE00, 0xFE10)]
    + [chr(c) for c in range(0xE0100, 0xE01F0)]
)


def _visible(text: str) -> str:
    return "".join(ch for ch in text if ch not in _IGNORABLE and unicodedata.category(ch) != "Cf")


def name_key(name: str) -> str:
    """What two candidates' names are compared by: equal keys, names a voter could take for
    one another."""
    text = unicodedata.normalize("NFKC", name.translate(_BEFORE_NFKC)).casefold()
    text = _visible(unicodedata.normalize("NFD", text)).translate(_TABLE)
    return " ".join(unicodedata.normalize("NFC", text).split())


def what_differs(name: str) -> list[str]:
    """The characters of `name` that the key sets aside or reads as others (beyond case and
    spacing), named as Unicode names them: what to tell someone whose name was refused."""
    found = []
    for ch in dict.fromkeys(name):
        if ch.isspace() or name_key(ch) == " ".join(ch.casefold().split()):
            continue
        found.append(f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}")
    return found


def look_alike_clause(name: str, other: str) -> str:
    """Why two names of one key are the same name, for a refusal: '' when they differ only in
    case and spacing (plain to see), else the characters that make them look alike."""
    odd = what_differs(name) + [c for c in what_differs(other) if c not in what_differs(name)]
    if not odd:
        return ""
    return " (they differ only in characters that look alike or are invisible: " + (
        ", ".join(odd) + ")"
    )
