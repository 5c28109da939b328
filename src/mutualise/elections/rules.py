"""Who may do what in an election: small predicates on (user, election), combined with | and &.

The returning officer is independent: the role alone is not enough if the same person is also
the membership secretary (officer) or a candidate in this election.
"""

import rules

from mutualise.register.models import Member, Role


def _holds(user, election, kind) -> bool:
    if not getattr(user, "is_authenticated", False) or election is None:
        return False
    return Role.objects.filter(
        organisation_id=election.organisation_id, user=user, kind=kind
    ).exists()


@rules.predicate
def holds_returning_officer_role(user, election):
    return _holds(user, election, Role.Kind.RETURNING_OFFICER)


@rules.predicate
def is_officer(user, election):
    return _holds(user, election, Role.Kind.OFFICER)


@rules.predicate
def is_candidate(user, election):
    if not getattr(user, "is_authenticated", False) or election is None or election.pk is None:
        return False
    return election.candidates.filter(member__user=user).exists()


@rules.predicate
def is_member(user, election):
    if not getattr(user, "is_authenticated", False) or election is None:
        return False
    return Member.objects.filter(organisation_id=election.organisation_id, user=user).exists()


is_returning_officer = holds_returning_officer_role & ~is_officer & ~is_candidate
can_manage = is_returning_officer | is_officer

PREDICATES = {
    "returning_officer": is_returning_officer,
    "manage": can_manage,
}
REFUSALS = {
    "returning_officer": (
        "only the returning officer may do this (and not one who is also an officer or a "
        "candidate in this election)"
    ),
    "manage": "only the returning officer or the membership secretary may do this",
}

rules.add_perm("elections.run_election", is_returning_officer)
rules.add_perm("elections.manage_election", can_manage)
rules.add_perm("elections.nominate", is_member)
