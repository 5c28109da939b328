"""The elections app's part of the independence rules checked when a role is granted
(accounts/independence.py calls it; elections/rules.py checks the same again at each use):
a returning officer is never a candidate, proposer or seconder in an election still running."""

from django.db.models import Q

from mutualise.register.models import Member, Role

from .lifecycle import FINAL
from .models import Candidate


def returning_officer_in_a_race(organisation, user, kind: str) -> str:
    if kind != Role.Kind.RETURNING_OFFICER:
        return ""
    running = (
        Candidate.objects.filter(election__organisation=organisation)
        .exclude(election__state__in=[s.value for s in FINAL])
        .filter(Q(member__user=user) | Q(proposers__user=user) | Q(seconders__user=user))
        .select_related("election")
        .first()
    )
    if running is None:
        return ""
    return (
        f"{user.get_username()} stands, proposes or seconds in {running.election.title}, which "
        "is still running: a returning officer may not take part in an election they run"
    )


def returning_officer_not_independent(organisation, user, kind: str) -> str:
    """`elections.independent_returning_officer`: the returning officer is no member of the
    organisation and holds no other role in it (the roles `returning_officer_excludes` names
    are refused by accounts/independence.py already)."""
    rules = organisation.constitution.elections
    if not rules.independent_returning_officer:
        return ""
    why = "(its rulebook's elections: independent_returning_officer)"
    held = set(
        Role.objects.filter(organisation=organisation, user=user).values_list("kind", flat=True)
    )
    name = user.get_username()
    if kind == Role.Kind.RETURNING_OFFICER:
        if Member.objects.filter(organisation=organisation, user=user).exists():
            return (
                f"{name} is a member of {organisation.name}, whose returning officer must be "
                f"independent {why}"
            )
        others = held - {Role.Kind.RETURNING_OFFICER} - set(rules.returning_officer_excludes)
        if others:
            return (
                f"{name} holds another role in {organisation.name}, whose returning officer "
                f"must be independent {why}"
            )
    elif Role.Kind.RETURNING_OFFICER in held and kind not in rules.returning_officer_excludes:
        return (
            f"{name} is the returning officer of {organisation.name}, who must be independent "
            f"and hold no other role there {why}"
        )
    return ""
