"""Voting codes and receipts: random, typeable, and (for codes) stored only as a keyed hash.

A code is 16 characters from a 29-letter alphabet without look-alikes (no 0/O, 1/I/L, U/V),
about 77 bits: guessing one is hopeless even before the rate limit on entry. A fast keyed hash
(HMAC-SHA256 under MUTUALISE_CREDENTIAL_KEY) is enough for codes this strong, and lets casting run at
hundreds of ballots a second where a password hash would not.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from mutualise.secrecy import typeable
from mutualise.secrecy.typeable import ALPHABET

CODE_LENGTH = 16
RECEIPT_LENGTH = typeable.RECEIPT_LENGTH
_random = typeable.random_letters
group = typeable.group
normalise = typeable.normalise


def new_code() -> str:
    """A fresh voting code, grouped for reading aloud and typing: 'ABCD-EFGH-JKMN-PQRS'."""
    return group(_random(CODE_LENGTH))


new_receipt = typeable.new_receipt


def looks_like_code(text: str) -> bool:
    cleaned = normalise(text)
    return len(cleaned) == CODE_LENGTH and all(ch in ALPHABET for ch in cleaned)


def _key() -> bytes:
    # Its own key, never SECRET_KEY: rotating the session key mid-poll must not void the codes.
    secret = settings.MUTUALISE_CREDENTIAL_KEY
    return hashlib.sha256(f"mutualise.elections.credential:{secret}".encode()).digest()


def code_hash(election_id: int, code: str) -> str:
    """The stored form of a code: HMAC-SHA256(server key, election id + code)."""
    message = f"{election_id}:{normalise(code)}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def client_key(election_id: int, address: str) -> str:
    """A keyed hash of a client's address, for rate limiting without storing the address."""
    message = f"throttle:{election_id}:{address}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()
