"""Who may not hold two roles at once, checked when a role is granted (the apps check again
when the role is used: elections/rules.py).

The rulebook's `elections.returning_officer_excludes` names the roles a returning officer may
not also hold (the membership secretary by default). Apps above this one add checks of their
own facts with `register_check` (the elections app: a returning officer is never a candidate,
proposer or seconder in an election still running), so the check here needs no import of them.
"""

from __future__ import annotations

from collections.abc import Callable

from mutualise.register.models import Organisation, Role

from .labels import role_name

# fn(organisation, user, kind) -> a refusal in words, or "" when the grant is fine
GrantCheck = Callable[[Organisation, object, str], str]
_CHECKS: list[GrantCheck] = []


def register_check(check: GrantCheck) -> GrantCheck:
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def _excluded(organisation) -> tuple[str, ...]:
    return tuple(organisation.constitution.elections.returning_officer_excludes)


def _rulebook_refusal(organisation, user, kind: str) -> str:
    excluded = _excluded(organisation)
    held = set(
        Role.objects.filter(organisation=organisation, user=user).values_list("kind", flat=True)
    )
    rule = "(its rulebook's elections: returning_officer_excludes)"
    if kind == Role.Kind.RETURNING_OFFICER:
        clash = [k for k in excluded if k in held]
        if clash:
            names = ", ".join(role_name(k).lower() for k in clash)
            return (
                f"{user.get_username()} is the {names} of {organisation.name}, and a returning "
                f"officer there may not also be the {names} {rule}"
            )
    elif kind in excluded and Role.Kind.RETURNING_OFFICER in held:
        return (
            f"{user.get_username()} is a returning officer of {organisation.name}, who may not "
            f"also be the {role_name(kind).lower()} {rule}"
        )
    return ""


def grant_refusals(organisation, user, kind: str) -> list[str]:
    """Every reason this user may not be given this role now (empty: they may)."""
    if user is None or getattr(user, "pk", None) is None:
        return []
    reasons = [_rulebook_refusal(organisation, user, kind)]
    reasons += [check(organisation, user, kind) for check in _CHECKS]
    return [r for r in reasons if r]
