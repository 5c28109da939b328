from ..rules import REFUSALS


class GovernanceError(ValueError):
    """Bad input to a governance service, said plainly (what and where)."""


class NotPermitted(PermissionError):
    """The actor may not do this."""


def require(permission: str, actor, organisation) -> None:
    """Users are checked against the rules; a string actor (the CLI, a task) or None (the
    system) is trusted, as in the other apps."""
    if actor is None or isinstance(actor, str):
        return
    if not actor.has_perm(permission, organisation):
        raise NotPermitted(REFUSALS.get(permission, "Not permitted."))
