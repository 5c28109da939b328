"""The audit key: held apart from the database, so whoever can write the database cannot reseal
a rewritten chain.

Every event carries an HMAC-SHA256 seal under the key, and the id of the key that sealed it (a
fingerprint, not the key). The key comes from the environment (`MUTUALISE_AUDIT_KEY`); retired
keys stay listed in `MUTUALISE_AUDIT_OLD_KEYS` (comma-separated) so events sealed before a
rotation still verify, until `mutualise audit reseal` has resealed them under the new key.
Without a key the server does not start, unless a throwaway key is allowed (debug, the demo,
the test suite): that one is made once under var/ and never leaves the machine.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH = 32
THROWAWAY_FILE = "audit.key"


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes

    def seal(self, message: str) -> str:
        return hmac.new(self.secret, message.encode(), hashlib.sha256).hexdigest()


def _key(text: str, source: str) -> Key:
    text = text.strip()
    if len(text) < MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{source}: an audit key must be at least {MIN_LENGTH} characters "
            "(make one with: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    secret = text.encode()
    key_id = hmac.new(secret, b"mutualise audit key id", hashlib.sha256).hexdigest()[:16]
    return Key(key_id, secret)


def _throwaway_key() -> str:
    """The debug/test key under var/: made once, readable by its owner only."""
    path = Path(settings.VAR_DIR) / THROWAWAY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
    return path.read_text()


def signing_key() -> Key:
    """The key new events are sealed with; ImproperlyConfigured says what to set if missing."""
    given = getattr(settings, "MUTUALISE_AUDIT_KEY", "")
    if given:
        return _key(given, "MUTUALISE_AUDIT_KEY")
    if getattr(settings, "MUTUALISE_AUDIT_THROWAWAY_KEY", False):
        return _key(_throwaway_key(), str(Path(settings.VAR_DIR) / THROWAWAY_FILE))
    raise ImproperlyConfigured(
        "MUTUALISE_AUDIT_KEY is not set: the audit log is sealed with a key kept outside the "
        "database. Set it to a random string of 32+ characters (python -c 'import secrets; "
        "print(secrets.token_hex(32))'), keep it in your secrets store, and keep a copy with "
        "the backups' keys, not with the backups. MUTUALISE_DEBUG=1 uses a throwaway key."
    )


def known_keys() -> dict[str, Key]:
    """Every key events may be sealed with, by id: the current one and the retired ones."""
    current = signing_key()
    keys = {current.id: current}
    for n, text in enumerate(getattr(settings, "MUTUALISE_AUDIT_OLD_KEYS", []) or [], start=1):
        old = _key(text, f"MUTUALISE_AUDIT_OLD_KEYS item {n}")
        keys.setdefault(old.id, old)
    return keys
