"""Claiming a membership: a member with no invitation gives their membership number, date of
birth and postcode; if they match the register, a single-use link goes to the email address on
the register (never to one typed in the form), and the link makes their sign-in.

Nothing tells the person (or anyone timing the page) whether the number exists or the details
matched: the request stores only keyed digests and queues the check (claims.py), always, and
the page always says the same. The check runs in the worker (`check_claim`). Throttled per
number and per client address, counted whether or not the number exists.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from mutualise import clock
from mutualise.register.models import Member

from .. import claims as mechanics
from ..member_models import AccountRequest
from .errors import AccountsError
from .members import _issue, _refusal

Throttled = mechanics.Throttled


def request_claim(organisation, *, number: int, born: date, postcode: str, client: str):
    """Record a claim and queue its check. Raises Throttled (too many tries lately) or
    AccountsError (a number too long to be anyone's); otherwise the same for every input."""
    # why: the task calls this verb: the one back-reference allowed (pyproject)
    from .. import tasks

    if number <= 0 or number > 10**15:
        raise AccountsError("Enter your membership number as it is on your card", field="number")
    subject = mechanics.digest("claim", organisation.pk, number)
    client_key = mechanics.digest("client", client)
    with transaction.atomic():
        mechanics.check_throttle(AccountRequest.Kind.CLAIM, subject, client_key)
        request = AccountRequest.objects.create(
            organisation=organisation,
            kind=AccountRequest.Kind.CLAIM,
            subject_key=subject,
            client_key=client_key,
            details_key=mechanics.details_key(organisation.pk, number, born, postcode),
            number=number,
        )
        transaction.on_commit(lambda: tasks.check_claim.enqueue(request.pk))
    return request


def check_claim(request_id: int) -> bool:
    """The worker's check of one claim: if the details match a current member (or applicant)
    with an email and no sign-in, send the link there (audited as an invitation made by the
    claim). Returns whether a link was sent; nothing else learns it."""
    with transaction.atomic():
        request = AccountRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.checked_at is not None:
            return False
        request.checked_at = clock.now()
        request.save(update_fields=["checked_at"])
        member = (
            Member.objects.select_for_update()
            .select_related("organisation")
            .filter(organisation_id=request.organisation_id, number=request.number)
            .first()
        )
        if member is None or _refusal(member):
            return False
        expected = mechanics.details_key(
            member.organisation_id, member.number, member.date_of_birth, member.postcode
        )
        if not member.date_of_birth or not mechanics.matches(request.details_key, expected):
            return False
        _issue(member, actor=f"member:{member.number}", reason="claim")
        return True
