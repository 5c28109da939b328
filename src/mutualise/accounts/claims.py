"""The mechanics of requests made without a sign-in (claiming a membership, resetting a
password): keyed digests instead of what was typed, and the throttle.

A claim is checked by the worker, not in the request: the page does the same work whatever
was typed (a digest, a row, a task) and says the same thing, so neither its words nor its time
tell whether a membership number exists or the details matched.

Limits are the install's (they defend the service, they are not an organisation's rule):
MUTUALISE_CLAIM_LIMIT tries per membership number or email address, and
MUTUALISE_CLAIM_CLIENT_LIMIT from one client address, in MUTUALISE_CLAIM_WINDOW_MINUTES.
"""

from __future__ import annotations

import hmac
from datetime import date, timedelta

from django.conf import settings
from django.utils.crypto import salted_hmac

from mutualise import clock
from mutualise.constitution.postcodes import normalise_postcode

from .member_models import AccountRequest

SALT = "mutualise.accounts.claims"


def digest(*parts) -> str:
    message = "\x1f".join(str(p) for p in parts)
    return salted_hmac(SALT, message, algorithm="sha256").hexdigest()


def details_key(organisation_id: int, number: int, born: date | None, postcode: str) -> str:
    """What a claim must match: the number, date of birth and postcode (normalised the
    register's way, so 'sw1a1aa' matches 'SW1A 1AA')."""
    postcode = normalise_postcode(postcode or "").replace(" ", "")
    return digest("details", organisation_id, number, born.isoformat() if born else "", postcode)


def matches(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a, b)


def window() -> timedelta:
    return timedelta(minutes=getattr(settings, "MUTUALISE_CLAIM_WINDOW_MINUTES", 60))


def limits() -> tuple[int, int]:
    return (
        getattr(settings, "MUTUALISE_CLAIM_LIMIT", 5),
        getattr(settings, "MUTUALISE_CLAIM_CLIENT_LIMIT", 20),
    )


class Throttled(Exception):
    """Too many requests lately; the message says what to do."""


def check_throttle(kind: str, subject_key: str, client_key: str, now=None) -> None:
    """Refuse when this number (or address) or this client has had its fill of tries lately.
    Counted whether or not the number exists, so the refusal says nothing about it."""
    now = now or clock.now()
    since = now - window()
    per_subject, per_client = limits()
    recent = AccountRequest.objects.filter(kind=kind, created_at__gt=since)
    minutes = int(window().total_seconds() // 60)
    if recent.filter(client_key=client_key).count() >= per_client:
        raise Throttled(
            f"There have been many tries from your connection: try again in {minutes} minutes."
        )
    if recent.filter(subject_key=subject_key).count() >= per_subject:
        what = "membership number" if kind == AccountRequest.Kind.CLAIM else "email address"
        raise Throttled(
            f"There have been many tries for that {what}: try again in {minutes} minutes, "
            "or contact the membership office."
        )
