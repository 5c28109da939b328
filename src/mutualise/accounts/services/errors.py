"""What the accounts services refuse, in words the person can act on."""

from rules import has_perm  # never the superuser shortcut: roles are per organisation

from ..invitations import InvitationError  # noqa: F401 (re-exported)


class AccountsError(ValueError):
    """Bad input to an accounts service, said plainly; `field` names the form field if any."""

    def __init__(self, message: str, *, field: str = "", also: list | None = None):
        self.field = field
        # Further problems found with the same form, [(field, message)], said all at once.
        self.also = list(also or [])
        super().__init__(message)

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(self.field, str(self))] + self.also


class NotPermitted(PermissionError):
    """The actor may not do this."""


def require_role_manager(actor, organisation) -> None:
    """Only the organisation's administrators grant and revoke its roles. A string actor (the
    CLI, a task) or None (the system) is trusted, as in the other apps."""
    if actor is None or isinstance(actor, str):
        return
    if not has_perm("register.manage_roles", actor, organisation):
        raise NotPermitted(
            f"Only an administrator of {organisation.name} can grant or revoke its roles."
        )
