"""The secret in an invitation link. The link carries the token; the database keeps only its
SHA-256, so a copy of the database cannot be used to accept anyone's invitation. Tokens carry
256 random bits, so an unkeyed hash is enough (nothing to guess a token from)."""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """(token for the link, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
