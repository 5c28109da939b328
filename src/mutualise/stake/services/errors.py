"""The error every stake service raises, and the permission check they share."""

from __future__ import annotations


class StakeError(ValueError):
    """A movement, run or request the rulebook, the ledger or the person's role does not allow."""


def require(actor, perm: str, organisation, doing: str) -> None:
    """Refuse a signed-in user without the permission. An actor that is not a user (None, or
    a name) is the system itself: the command line run by the operator, or a task."""
    if hasattr(actor, "has_perm") and not actor.has_perm(perm, organisation):
        raise StakeError(f"{actor} may not {doing} in {organisation}")


def shares_rules(organisation):
    shares = organisation.constitution.shares
    if shares is None:
        raise StakeError(f"{organisation}'s rulebook issues no shares (shares: null)")
    return shares
