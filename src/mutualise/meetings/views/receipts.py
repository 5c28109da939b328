"""A poll receipt after the vote, on a page of its own (post, redirect, get).

The receipt travels in a signed, HttpOnly, short-lived cookie scoped to the page that shows it:
never in a URL, never in Django's messages (which spill into the session table past ~2 KB, and
where the rulebook sets `receipts: contents` that would link member -> receipt -> choice in the
database), never in the session, cache or database. As the election receipt page does."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ..models import Resolution
from .common import _meeting

_COOKIE = "mutualise_poll_receipt"
VOTER_PAGE_SECONDS = 3600  # the voter's receipt page shows it for an hour on the voting device
CONSOLE_SECONDS = 600  # the paper console shows a card's receipt once, soon after keying it


def _salt(resolution: Resolution, where: str) -> str:
    return f"meetings.receipt.{where}:{resolution.pk}"


def _carry(request, response, resolution, where: str, value: str, path: str, seconds: int):
    response.set_signed_cookie(
        _COOKIE, value, salt=_salt(resolution, where), max_age=seconds, path=path,
        secure=request.is_secure(), httponly=True, samesite="Strict",
    )  # fmt: skip
    return response


def _read(request, resolution, where: str, seconds: int) -> str | None:
    return request.get_signed_cookie(
        _COOKIE, default=None, salt=_salt(resolution, where), max_age=seconds
    )


def to_voter_receipt(request, resolution: Resolution, receipt: str):
    """The redirect after a member's vote, carrying the receipt to its page."""
    meeting = resolution.meeting
    args = [meeting.organisation.slug, meeting.pk, resolution.number]
    path = reverse("meetings:vote_receipt", args=args)
    return _carry(request, redirect(path), resolution, "voter", receipt, path, VOTER_PAGE_SECONDS)


def vote_receipt(request, slug, pk, number):
    """The member's receipt after the vote (GET: refreshing casts nothing)."""
    meeting = _meeting(request, slug, pk)
    resolution = get_object_or_404(Resolution, meeting=meeting, number=number)
    receipt = _read(request, resolution, "voter", VOTER_PAGE_SECONDS)
    context = {"meeting": meeting, "resolution": resolution, "receipt": receipt}
    response = render(request, "meetings/receipt.html", context)
    response["Cache-Control"] = "no-store"
    return response


def to_console_receipt(request, resolution: Resolution, card: int, receipt: str):
    """The redirect after keying a paper card, carrying its receipt to the console once."""
    meeting = resolution.meeting
    args = [meeting.organisation.slug, meeting.pk, resolution.number]
    path = reverse("meetings:paper_poll", args=args)
    value = f"{card}:{receipt}"
    return _carry(request, redirect(path), resolution, "paper", value, path, CONSOLE_SECONDS)


def console_receipt(request, resolution: Resolution) -> tuple[str, str] | None:
    """(card number, receipt) keyed last on this device, if still fresh."""
    value = _read(request, resolution, "paper", CONSOLE_SECONDS)
    if not value or ":" not in value:
        return None
    card, receipt = value.split(":", 1)
    return card, receipt


def forget_console_receipt(response, resolution: Resolution):
    """Shown once: the next card's page does not show the last card's receipt."""
    meeting = resolution.meeting
    args = [meeting.organisation.slug, meeting.pk, resolution.number]
    response.delete_cookie(_COOKIE, path=reverse("meetings:paper_poll", args=args))
    return response
