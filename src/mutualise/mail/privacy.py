"""Erasure reaches the outbox: a member's right to erasure covers the mail the install wrote to
them. Mail not yet sent is withdrawn; a sent message keeps its row (when it went, why, whether it
was refused) with its address and bodies blanked, so delivery figures still add up."""

from __future__ import annotations

from .models import Message, Status

ERASED = "(erased)"


def forget_recipient(organisation, address: str) -> int:
    """Forget every message of `organisation` to `address`; returns how many were touched.

    Runs in the caller's transaction (the register's erase)."""
    messages = Message.objects.filter(organisation=organisation, to__iexact=address.strip())
    waiting = messages.filter(status=Status.QUEUED)
    withdrawn = waiting.count()
    for message in waiting:
        message.attachments.clear()
    waiting.delete()
    for message in messages:
        message.attachments.clear()
    blanked = messages.update(to=ERASED, subject=ERASED, text="", html="", secrets={})
    return withdrawn + blanked
