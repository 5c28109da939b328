"""The sending rate, shared by every worker of the install through the database.

MUTUALISE_EMAIL_RATE is the install's: two workers sending at once share it rather than each
sending at it. One row (SendingPace) holds the next free moment; a worker takes a slot in one
short transaction that moves it on by 1/rate a slot (an UPDATE first, so the row's lock is taken
before it is read: PostgreSQL's row lock, SQLite's write lock), then sleeps until its slot.
A worker killed after taking slots only wastes them: the pace never runs faster than the rate.
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


def take_slots(rate: float, n: int = 1) -> list[float]:
    """Take the next `n` sending slots at `rate` a second: the moments (time.time()) at which
    each may be handed over, 1/rate apart."""
    _ensure()
    step = 1.0 / rate
    with transaction.atomic():
        now = time.time()
        SendingPace.objects.filter(name=NAME).update(
            next_slot=Greatest(F("next_slot"), Value(now)) + n * step
        )
        first = SendingPace.objects.get(name=NAME).next_slot - n * step
    return [first + i * step for i in range(n)]


class Pacer:
    """One worker's run: `wait()` before each message. Slots are taken a fifth of a second's
    worth at a time (one transaction per few messages, not per message: PostgreSQL's commit
    costs milliseconds). Slots a worker fell behind (it was slow to hand a message over) and
    those left when its run ends are wasted, never used late: the rate is never exceeded."""

    AHEAD_SECONDS = 0.2

    def __init__(self, rate: float):
        self.rate = rate
        self.slots: list[float] = []

    def wait(self) -> None:
        if not self.rate:
            return
        if self.slots and self.slots[0] < time.time() - 0.5 / self.rate:
            self.slots = []  # this worker fell behind its slots: never catch up in a burst
        if not self.slots:
            self.slots = take_slots(self.rate, max(1, int(self.rate * self.AHEAD_SECONDS)))
        time.sleep(max(0.0, self.slots.pop(0) - time.time()))
