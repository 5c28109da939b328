"""The sending rate, shared by every worker of the install through the database.

MUTUALISE_EMAIL_RATE is the install's: two workers sending at once share it rather than each
sending at it. One row (SendingPace) holds the next free moment; a worker takes a slot in one
short transaction that moves it on by 1/rate (an UPDATE first, so the row's lock is taken
before it is read: PostgreSQL's row lock, SQLite's write lock), then sleeps until its slot.
A worker killed after taking a slot only wastes it: the pace never runs faster than the rate.
"""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from .models import SendingPace

NAME = "smtp"


def _ensure() -> None:
    if not SendingPace.objects.filter(name=NAME).exists():
        try:
            with transaction.atomic():
                SendingPace.objects.create(name=NAME)
        except IntegrityError:  # another worker made it at the same moment
            pass


def take_slot(rate: float) -> float:
    """Take the next sending slot at `rate` a second; returns the seconds to wait for it."""
    if not rate:
        return 0.0
    _ensure()
    step = 1.0 / rate
    with transaction.atomic():
        now = time.time()
        SendingPace.objects.filter(name=NAME).update(
            next_slot=Greatest(F("next_slot"), Value(now)) + step
        )
        slot = SendingPace.objects.get(name=NAME).next_slot - step
    return max(0.0, slot - time.time())


def wait_for_slot(rate: float) -> None:
    time.sleep(take_slot(rate))
