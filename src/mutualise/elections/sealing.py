"""Sealing: what a ballot says, unreadable in the database until the mixer has hidden it among
at least K others.

A cast writes the vote record and the sealed ballot in one transaction (so neither can be lost
without the other); anyone reading the database can see that they belong together, but not what
the sealed one says. The key is derived from the voting-code key held in the environment
(MUTUALISE_CREDENTIAL_KEY, or MUTUALISE_BALLOT_SEAL_KEY if set), never the database or backups.

The construction uses only the standard library: a keystream from HMAC-SHA256 in counter mode
under a random 16-byte nonce, then HMAC-SHA256 over nonce and ciphertext under a second key
(encrypt-then-MAC). Every sealed value is padded to the same length, so its size says nothing
about how many candidates were marked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

from django.conf import settings

NONCE = 16
TAG = 32
SIZE = 1024  # bytes of plaintext after padding: room for 200 preferences and the receipt


class SealBroken(ValueError):
    """A sealed value that was altered, or sealed under another key."""


def _keys() -> tuple[bytes, bytes]:
    secret = (
        getattr(settings, "MUTUALISE_BALLOT_SEAL_KEY", "")
        or getattr(settings, "MUTUALISE_CREDENTIAL_KEY", "")
        or settings.SECRET_KEY
    )
    root = hashlib.sha256(f"mutualise.elections.seal:{secret}".encode()).digest()
    return (
        hmac.new(root, b"encrypt", hashlib.sha256).digest(),
        hmac.new(root, b"authenticate", hashlib.sha256).digest(),
    )


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + 31) // 32
    return b"".join(
        hmac.new(key, nonce + i.to_bytes(8, "big"), hashlib.sha256).digest() for i in range(blocks)
    )[:length]


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def seal(value: dict) -> str:
    """`value` (JSON-able) padded to SIZE, encrypted and authenticated; text for a text column."""
    plain = json.dumps(value, separators=(",", ":")).encode()
    if len(plain) > SIZE:
        raise ValueError(f"a sealed ballot holds at most {SIZE} bytes")
    plain = plain + b" " * (SIZE - len(plain))
    encrypt, authenticate = _keys()
    nonce = secrets.token_bytes(NONCE)
    body = _xor(plain, _stream(encrypt, nonce, SIZE))
    tag = hmac.new(authenticate, nonce + body, hashlib.sha256).digest()
    return base64.b64encode(nonce + body + tag).decode()


def unseal(text: str) -> dict:
    raw = base64.b64decode(text)
    nonce, body, tag = raw[:NONCE], raw[NONCE:-TAG], raw[-TAG:]
    encrypt, authenticate = _keys()
    expected = hmac.new(authenticate, nonce + body, hashlib.sha256).digest()
    if len(body) != SIZE or not hmac.compare_digest(tag, expected):
        raise SealBroken("a sealed ballot was altered or sealed under another key")
    plain = _xor(body, _stream(encrypt, nonce, SIZE))
    return json.loads(plain.rstrip(b" "))


def keyed_digest(*parts: str) -> str:
    """A keyed hash of `parts` (for comparing two keyings of a paper without storing marks)."""
    _, authenticate = _keys()
    message = "\x1f".join(parts).encode()
    return hmac.new(authenticate, b"paper:" + message, hashlib.sha256).hexdigest()
