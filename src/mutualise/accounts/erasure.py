"""What accounts holds about a member, forgotten when the register erases them (register/erasure.py):
invitations to their addresses or for their sign-in, changes of details waiting for the
secretary, and the record of their sign-in claims. Runs inside the register's erase transaction."""

from __future__ import annotations

from django.db.models import Q

from .member_models import AccountRequest, DetailsChange
from .models import Invitation


def forget_member(member, *, emails: list[str]) -> None:
    organisation = member.organisation
    theirs = Q(member=member)
    for email in emails:
        theirs |= Q(email__iexact=email)
    Invitation.objects.filter(theirs, organisation=organisation).delete()
    DetailsChange.objects.filter(organisation=organisation, member=member).delete()
    AccountRequest.objects.filter(organisation=organisation, number=member.number).delete()
