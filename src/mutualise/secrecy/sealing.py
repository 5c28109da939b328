"""Sealing: what a ballot says, unreadable in the database until the mixer has hidden it among
at least K others (docs/secrecy.md, docs/secrecy-meeting-polls.md).

A cast writes the vote record and the sealed ballot in one transaction, so neither is ever kept
without the other; anyone reading the database can see that they belong together, but not what
the sealed one says. The key lives in the environment (MUTUALISE_BALLOT_SEAL_KEY, else
MUTUALISE_CREDENTIAL_KEY, else the server's secret), never in the database or its backups; each
use (`purpose`) gets its own key derived from it with HKDF.

AES-256-GCM from `cryptography` under a random 96-bit nonce: encryption and authentication in one
well-reviewed construction. Every value is padded to the sealer's fixed size before sealing, so a
sealed ballot's length says nothing about how many candidates were marked or which way it went.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

NONCE = 12


class SealBroken(ValueError):
    """A sealed value that was altered, or sealed under another key."""


def _secret() -> str:
    return (
        getattr(settings, "MUTUALISE_BALLOT_SEAL_KEY", "")
        or getattr(settings, "MUTUALISE_CREDENTIAL_KEY", "")
        or settings.SECRET_KEY
    )


@functools.lru_cache(maxsize=16)
def _derive(secret: str, purpose: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"mutualise:{purpose}".encode()
    )
    return hkdf.derive(secret.encode())


@functools.lru_cache(maxsize=16)
def _aead(secret: str, purpose: str) -> AESGCM:
    """One cipher object per key (keyed by the secret, so a changed setting is seen at once)."""
    return AESGCM(_derive(secret, purpose))


class Sealer:
    """Seals JSON-able values of at most `size` bytes for one `purpose` (e.g. "elections")."""

    def __init__(self, purpose: str, size: int):
        self.purpose = purpose
        self.size = size

    def _cipher(self) -> AESGCM:
        return _aead(_secret(), f"seal:{self.purpose}")

    def seal(self, value) -> str:
        """`value` padded to the fixed size, encrypted and authenticated; text for a text column."""
        plain = json.dumps(value, separators=(",", ":")).encode()
        if len(plain) > self.size:
            raise ValueError(f"a sealed {self.purpose} ballot holds at most {self.size} bytes")
        plain += b" " * (self.size - len(plain))
        nonce = secrets.token_bytes(NONCE)
        return base64.b64encode(nonce + self._cipher().encrypt(nonce, plain, None)).decode()

    def unseal(self, text: str):
        return self.unseal_many([text])[0]

    def unseal_many(self, texts) -> list:
        """Open a batch (the mixer's): one cipher for all, each checked as `unseal` checks it."""
        cipher, opened = self._cipher(), []
        for text in texts:
            raw = base64.b64decode(text)
            try:
                plain = cipher.decrypt(raw[:NONCE], raw[NONCE:], None)
            except InvalidTag:
                raise SealBroken(
                    "a sealed ballot was altered or sealed under another key"
                ) from None
            if len(plain) != self.size:
                raise SealBroken("a sealed ballot has the wrong length")
            opened.append(json.loads(plain.rstrip(b" ")))
        return opened

    def seal_bytes(self, data: bytes) -> bytes:
        """A file sealed as it is (no padding: its length is not the secret), for a binary
        column: the nonce, then the ciphertext and its tag."""
        nonce = secrets.token_bytes(NONCE)
        return nonce + self._cipher().encrypt(nonce, bytes(data), None)

    def unseal_bytes(self, raw: bytes) -> bytes:
        raw = bytes(raw)
        try:
            return self._cipher().decrypt(raw[:NONCE], raw[NONCE:], None)
        except InvalidTag:
            raise SealBroken(
                f"a sealed {self.purpose} file was altered or sealed under another key"
            ) from None

    def keyed_digest(self, *parts: str) -> str:
        """A keyed hash of `parts` (to compare two keyings of a paper without storing marks)."""
        key = _derive(_secret(), f"digest:{self.purpose}")
        return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
