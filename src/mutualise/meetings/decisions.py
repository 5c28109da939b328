"""What a carried resolution sets going outside meetings. An app that tracks decisions to
delivery (participation) registers a listener here in its AppConfig.ready(); the declaration
calls every listener for each resolution that takes effect, inside the declaration's own
transaction, so a resolution is never declared carried without its record, nor recorded
without being carried. A registry rather than an import: meetings sits beside participation in
one layer and must work in an installation without it (as audit.batch_sums does for ballots)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


# ---------------------------------------------------------------------------------------------
# What waits to be put on a general meeting's agenda: a members' proposal that reached its
# threshold while no meeting was drafted (participation). The app that has such items
# registers a source here; the organise pages list them and the officer puts one on a draft
# meeting's agenda through `place`, which is the source's own service (it checks who may).


@dataclass(frozen=True)
class Waiting:
    """One item waiting for an agenda: `key` is "<source prefix>:<its id>"."""

    key: str
    title: str
    summary: str  # what it is and since when, in words
    url: str = ""  # where to read it


@dataclass(frozen=True)
class WaitingSource:
    prefix: str
    waiting: Callable[..., list[Waiting]]  # (organisation) -> items
    place: Callable[..., object]  # (ref, meeting, *, actor, now) -> the Resolution


_SOURCES: dict[str, WaitingSource] = {}


def on_waiting(source: WaitingSource) -> WaitingSource:
    """Register a source of items waiting for an agenda (once per prefix)."""
    _SOURCES[source.prefix] = source
    return source


def waiting(organisation) -> list[Waiting]:
    """Everything waiting to be put on one of the organisation's general meeting agendas."""
    return [item for source in _SOURCES.values() for item in source.waiting(organisation)]


def place(key: str, meeting, *, actor, now=None):
    """Put the waiting item `key` on `meeting`'s agenda; a LookupError for an unknown key."""
    prefix, _, ref = key.partition(":")
    source = _SOURCES.get(prefix)
    if source is None or not ref:
        raise LookupError(f"nothing waiting for an agenda is called {key!r}")
    return source.place(ref, meeting, actor=actor, now=now)
