"""An election's secrecy settings from its rulebook: the mixing batch K and the receipt kind,
read once per process per election (casting must not load the rulebook every time). Below both
mixing.py and turnout.py, which read them."""

from __future__ import annotations

from .models import Election

_SETTINGS: dict[tuple, tuple[int, bool]] = {}


def _settings(election: Election) -> tuple[int, bool]:
    """The rulebook's K and receipt kind, read once per process per election (casting must not
    load the rulebook every time)."""
    key = (election.pk, election.created_at)
    if key not in _SETTINGS:
        rules = election.organisation.constitution.elections
        _SETTINGS[key] = (rules.secrecy_batch, rules.receipts == "contents")
    return _SETTINGS[key]


def batch_size(election: Election) -> int:
    return _settings(election)[0]


def contents_receipts(election: Election) -> bool:
    return _settings(election)[1]
