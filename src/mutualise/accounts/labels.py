"""Role names as an organisation's people say them (the register's choices say "System
administrator" for the organisation's administrator role, which is not the install's)."""

from mutualise.register.models import Role

ROLE_NAMES = {
    Role.Kind.ADMINISTRATOR: "Administrator",
    Role.Kind.OFFICER: "Membership secretary",
    Role.Kind.RETURNING_OFFICER: "Returning officer",
    Role.Kind.CHAIR: "Chair",
    Role.Kind.BOARD: "Board member or governor",
}

# What each role does, for the invitation and the roles page.
ROLE_DUTIES = {
    Role.Kind.OFFICER: "keeps the register of members: joining, changes, imports and leaving",
    Role.Kind.RETURNING_OFFICER: (
        "runs elections independently: the roll, voting codes, the poll and the count"
    ),
    Role.Kind.CHAIR: "chairs general meetings and runs them from the chair's console",
    Role.Kind.BOARD: "sits on the board or council of governors and runs meetings",
    Role.Kind.ADMINISTRATOR: "grants and revokes the roles in the organisation",
}


def role_name(kind: str) -> str:
    return ROLE_NAMES.get(kind, kind)
