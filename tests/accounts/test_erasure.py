"""Erasure reaches what accounts and the outbox hold about a member: invitations to them, changes
of details waiting for the secretary, sign-in claims, and the mail written to them (withdrawn if
unsent, blanked if sent). Another member's records are left alone."""

from datetime import date

import pytest
from account_helpers import make_user
from django.utils import timezone

from mutualise.accounts import services
from mutualise.accounts.member_models import DetailsChange
from mutualise.accounts.models import Invitation
from mutualise.mail.models import Message, Status
from mutualise.register import services as register
from mutualise.register.models import Role


def _member(org, name, email):
    member = register.join(
        org, display_name=name, date_of_birth=date(1980, 5, 17), email=email,
        postcode="NE1 4ST", address="1 High Street", attestations=["supports-objects"],
        actor="test",
    )  # fmt: skip
    return register.admit(member, actor="test")


@pytest.mark.django_db
def test_erasing_a_member_forgets_their_invitations_changes_and_mail(coop):
    secretary = make_user("sec", org=coop, kind=Role.Kind.OFFICER)
    pat = _member(coop, "Pat Jones", "pat@example.org")
    sam = _member(coop, "Sam Lee", "sam@example.org")
    for member in (pat, sam):
        services.invite_member(member, actor=secretary)
    DetailsChange.objects.create(
        organisation=coop, member=pat, group="address", changes={"address": "2 Low Street"}
    )
    Message.objects.filter(to="pat@example.org").update(status=Status.SENT, sent_at=timezone.now())
    services.invite_member(pat, actor=secretary)  # a second, still queued
    assert Message.objects.filter(to="pat@example.org", status=Status.QUEUED).exists()

    register.cease(pat, reason="resigned", actor="test")
    register.erase(pat, actor="test")

    assert not Invitation.objects.filter(member=pat).exists()
    assert not Invitation.objects.filter(email__iexact="pat@example.org").exists()
    assert not DetailsChange.objects.filter(member=pat).exists()
    assert not Message.objects.filter(to__iexact="pat@example.org").exists()
    kept = Message.objects.filter(organisation=coop, to="(erased)")
    assert kept.count() == 1 and kept.get().text == "" and kept.get().status == Status.SENT
    assert not any("Pat" in m.subject + m.text for m in Message.objects.all())
    # Sam is untouched.
    assert Invitation.objects.filter(member=sam).count() == 1
    assert Message.objects.filter(to="sam@example.org").count() == 1
