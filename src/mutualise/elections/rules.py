"""Who may do what in an election: small predicates on (user, election), combined with | and &.

The returning officer is independent: the role alone is not enough if the same person is a
candidate, a proposer or a seconder in this election, or holds any role the rulebook's
`elections.returning_officer_excludes` names (the membership secretary by default). Only such an
independent returning officer may run the election, freeze the roll, issue or replace codes, see
poll cards or key paper ballots (docs/roles.md: roles by action).
"""

import rules

from mutualise.register.models import Member, Role


def _authenticated(user, election) -> bool:
    return getattr(user, "is_authenticated", False) and election is not None


def _holds(user, election, *kinds) -> bool:
    if not _authenticated(user, election) or not kinds:
        return False
    return Role.objects.filter(
        organisation_id=election.organisation_id, user=user, kind__in=kinds
    ).exists()


def _excluded_kinds(election) -> tuple[str, ...]:
    return tuple(election.organisation.constitution.elections.returning_officer_excludes)


@rules.predicate
def holds_returning_officer_role(user, election):
    return _holds(user, election, Role.Kind.RETURNING_OFFICER)


@rules.predicate
def is_officer(user, election):
    return _holds(user, election, Role.Kind.OFFICER)


@rules.predicate
def holds_excluded_role(user, election):
    """A role the rulebook says a returning officer may not also hold (officer by default)."""
    return _holds(user, election, *_excluded_kinds(election))


@rules.predicate
def not_independent(user, election):
    """Where the rulebook wants an independent returning officer
    (`elections.independent_returning_officer`), one who is a member of the organisation or
    holds any other role in it is not independent."""
    if not _authenticated(user, election):
        return False
    if not election.organisation.constitution.elections.independent_returning_officer:
        return False
    others = Role.objects.filter(organisation_id=election.organisation_id, user=user).exclude(
        kind=Role.Kind.RETURNING_OFFICER
    )
    member = Member.objects.filter(organisation_id=election.organisation_id, user=user)
    return others.exists() or member.exists()


def _in_election(user, election) -> bool:
    return _authenticated(user, election) and election.pk is not None


@rules.predicate
def is_candidate(user, election):
    if not _in_election(user, election):
        return False
    return election.candidates.filter(member__user=user).exists()


@rules.predicate
def is_proposer_or_seconder(user, election):
    if not _in_election(user, election):
        return False
    candidates = election.candidates.all()
    return (
        candidates.filter(proposers__user=user).exists()
        or candidates.filter(seconders__user=user).exists()
    )


@rules.predicate
def is_member(user, election):
    if not _authenticated(user, election):
        return False
    return Member.objects.filter(organisation_id=election.organisation_id, user=user).exists()


is_returning_officer = (
    holds_returning_officer_role
    & ~holds_excluded_role
    & ~not_independent
    & ~is_candidate
    & ~is_proposer_or_seconder
)
# Setting an election up (seats, close of poll) is administrative: the membership secretary may.
can_manage = is_returning_officer | is_officer

PREDICATES = {
    "returning_officer": is_returning_officer,
    "manage": can_manage,
}
REFUSALS = {
    "returning_officer": (
        "only the returning officer may do this (and not one who is also a candidate, proposer "
        "or seconder in this election, or holds a role the rulebook excludes, such as the "
        "membership secretary, or, where the rulebook wants an independent returning officer, "
        "is a member or holds any other role here)"
    ),
    "manage": "only the returning officer or the membership secretary may do this",
}

rules.add_perm("elections.run_election", is_returning_officer)
rules.add_perm("elections.manage_election", can_manage)
rules.add_perm("elections.nominate", is_member)
