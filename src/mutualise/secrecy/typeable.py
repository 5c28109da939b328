"""Random tokens people read aloud and type: voting codes and receipts, for elections and
meeting polls alike. A 29-letter alphabet without look-alikes (no 0/O, 1/I/L, U/V), in groups
of four; what a person types is normalised (case, spaces, dashes) before it is compared."""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # no 0 O 1 I L U V
GROUP = 4
RECEIPT_LENGTH = 12  # about 58 bits: a receipt is checked, never guessed into a vote


def random_letters(length: int) -> str:
    """`length` letters drawn uniformly from ALPHABET: one draw below 29**length, in base 29."""
    number, letters = secrets.randbelow(len(ALPHABET) ** length), []
    for _ in range(length):
        number, digit = divmod(number, len(ALPHABET))
        letters.append(ALPHABET[digit])
    return "".join(letters)


def group(text: str) -> str:
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def new_receipt() -> str:
    """A fresh receipt: 'ABCD-EFGH-JKMN'."""
    return group(random_letters(RECEIPT_LENGTH))


def normalise(text: str) -> str:
    """What a person typed, without spaces, dashes or case: 'abcd efgh-jkmn' -> 'ABCDEFGHJKMN'."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def regroup(text: str) -> str:
    """What a person typed as the token was printed: 'abcd efghjkmn' -> 'ABCD-EFGH-JKMN'."""
    return group(normalise(text))
