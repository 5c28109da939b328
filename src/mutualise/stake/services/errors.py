"""The error every stake service raises, and the permission check they share."""

from __future__ import annotations

from rules import has_perm


class StakeError(ValueError):
    """A movement, run or request the rulebook, the ledger or the person's role does not allow."""


def require(actor, perm: str, organisation, doing: str) -> None:
    """Refuse a signed-in user without the permission. An actor that is not a user (None, or
    a name) is the system itself: the command line run by the operator, or a task."""
    # rules' has_perm, never the superuser shortcut of user.has_perm: roles are per organisation
    if hasattr(actor, "has_perm") and not has_perm(perm, actor, organisation):
        raise StakeError(f"{actor} may not {doing} in {organisation}")


def shares_rules(organisation):
    shares = organisation.constitution.shares
    if shares is None:
        raise StakeError(f"{organisation}'s rulebook issues no shares (shares: null)")
    return shares


# Sanity bounds on what is typed or read, not organisation rules: a day outside these years is
# a typing error (and date arithmetic past year 9999 fails), and an amount of more than twelve
# digits of pounds is more than any real one (the payroll and trade readers' bound), well
# inside the database's 64-bit integers, so no input reaches the database as an overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2999
MOST_PENCE = 10**14 - 1


def check_day(day, what: str) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise StakeError(
            f"{what} {day.isoformat()} is not a day from {FIRST_YEAR} to {LAST_YEAR}: "
            "a typing error?"
        )


def check_pence(pence, what: str) -> None:
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise StakeError(f"{what} must be a whole number of pence, not {pence!r}")
    if pence > MOST_PENCE:
        raise StakeError(f"{what} of {pence}p is more than any real amount (at most {MOST_PENCE}p)")


def check_text(text: str, most: int, what: str) -> None:
    if "\x00" in text:  # PostgreSQL's text cannot hold it (SQLite would store it)
        raise StakeError(f"{what} holds a NUL character, which cannot be stored")
    if len(text) > most:
        raise StakeError(f"{what} is {len(text)} characters long; at most {most}")
