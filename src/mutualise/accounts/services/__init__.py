"""The accounts app's verbs: invitations, roles, founding an organisation."""

from .errors import AccountsError, InvitationError, NotPermitted, require_role_manager
from .founding import found_organisation, may_found, slug_problem, suggest_slug
from .invitations import accept, accept_as_new_user, lookup, withdraw, wrong_person
from .members import invite_all_members, invite_member, uninvited_members  # noqa: F401
from .roles import (
    grant_problems,
    invitation_link,
    invite_to_role,
    revoke_role,
    role_holders,
    site_url,
)

__all__ = [
    "AccountsError",
    "InvitationError",
    "NotPermitted",
    "accept",
    "accept_as_new_user",
    "found_organisation",
    "grant_problems",
    "invitation_link",
    "invite_to_role",
    "lookup",
    "may_found",
    "require_role_manager",
    "revoke_role",
    "role_holders",
    "site_url",
    "slug_problem",
    "suggest_slug",
    "withdraw",
    "wrong_person",
]
