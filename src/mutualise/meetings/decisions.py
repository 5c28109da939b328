"""What a carried resolution sets going outside meetings. An app that tracks decisions to
delivery (participation) registers a listener here in its AppConfig.ready(); the declaration
calls every listener for each resolution that takes effect, inside the declaration's own
transaction, so a resolution is never declared carried without its record, nor recorded
without being carried. A registry rather than an import: meetings sits beside participation in
one layer and must work in an installation without it (as audit.batch_sums does for ballots)."""

from __future__ import annotations

from collections.abc import Callable

CarriedListener = Callable[..., None]  # (resolution, *, actor, now) -> None

_LISTENERS: list[CarriedListener] = []


def on_carried(listener: CarriedListener) -> CarriedListener:
    """Register `listener` (once) to be told of every resolution that takes effect."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def carried(resolution, *, actor=None, now=None) -> None:
    """Tell every listener that `resolution` has taken effect; a listener's error rolls the
    declaration back with it."""
    for listener in _LISTENERS:
        listener(resolution, actor=actor, now=now)
