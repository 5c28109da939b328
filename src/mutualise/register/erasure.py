"""What else erasure must reach: apps above the register that hold a member's personal data
(invitations, details waiting for the secretary) register a hook here in their `ready()`, and
`services.privacy.erase` calls every hook inside its own transaction, so an erasure is whole or
not at all. The register cannot import those apps (they sit above it), hence the registry.
"""

from __future__ import annotations

from collections.abc import Callable

# hook(member, emails): the row being erased, and the addresses it (and records merged into it)
# held before erasure.
_HOOKS: list[Callable] = []


def also_erase(hook: Callable) -> Callable:
    if hook not in _HOOKS:
        _HOOKS.append(hook)
    return hook


def run_hooks(member, *, emails: list[str]) -> None:
    for hook in _HOOKS:
        hook(member, emails=emails)
