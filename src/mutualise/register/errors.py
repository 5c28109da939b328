"""What the register refuses, and why, in words a member or officer can act on."""

from django.core.exceptions import PermissionDenied
from rules import has_perm


class MemberError(ValueError):
    """A change to a member the register cannot make; the message says why."""

    def __init__(self, message: str, *, field: str = ""):
        self.field = field
        super().__init__(message)


class NotEligible(MemberError):
    """The rulebook does not let this person join (this constituency); `reasons` say why."""

    def __init__(self, reasons: list[str], *, field: str = ""):
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons), field=field)


class DuplicateMember(MemberError):
    """The person seems to be on the register already; `matches` are the existing records."""

    def __init__(self, matches):
        self.matches = list(matches)
        numbers = ", ".join(str(m.number) for m in self.matches)
        super().__init__(f"This person may already be a member (membership number {numbers}).")


class InAnotherConstituency(DuplicateMember):
    """The person is a member in another constituency, and the rules
    (`membership.one_constituency_only`) let a person belong to one constituency only."""

    def __init__(self, matches, names: str):
        super().__init__(matches)
        numbers = ", ".join(str(m.number) for m in self.matches)
        self.args = (
            f"This person is already a member in {names} (membership number {numbers}); the "
            "rules let a person belong to one constituency only, so change their constituency "
            "instead.",
        )


class NotPermitted(PermissionDenied):
    """The actor may not do this (shown as 403 Forbidden); the message says who may."""


def require(permission: str, actor, organisation, message: str) -> None:
    """A signed-in actor needs `permission` in this organisation. A string actor (the CLI, a
    task) or None (the system) is trusted, as in the other apps."""
    if actor is None or isinstance(actor, str):
        return
    # rules' has_perm, never the superuser shortcut: roles are per organisation
    if not has_perm(permission, actor, organisation):
        raise NotPermitted(message)


def require_or_self(permission: str, actor, member, message: str) -> None:
    """As `require`, but the member themselves (signed in as the member) may act too."""
    if getattr(actor, "pk", None) is not None and actor.pk == member.user_id:
        return
    require(permission, actor, member.organisation, message)


def require_linker(actor, member, user) -> None:
    """Who may link `user` as `member`'s sign-in (register.services.link_sign_in)."""
    if actor is None or isinstance(actor, str):
        return
    if has_perm("register.manage_members", actor, member.organisation):
        return
    own = {(a or "").strip().lower() for a in (user.email, user.get_username())} - {""}
    if actor.pk == user.pk and member.email and member.email.strip().lower() in own:
        return
    raise NotPermitted(
        f"Only member {member.number} themself, signed in with the address on the register, "
        f"or the membership secretary of {member.organisation.name} can link a sign-in to "
        "this membership."
    )


def manager_refusal(organisation) -> str:
    return f"Only the membership secretary of {organisation.name} can change the register."
