"""The elections app's part of the independence rules checked when a role is granted
(accounts/independence.py calls it; elections/rules.py checks the same again at each use):
a returning officer is never a candidate, proposer or seconder in an election still running."""

from django.db.models import Q

from mutualise.register.models import Role

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
