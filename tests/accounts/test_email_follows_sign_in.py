"""Changing a member's email changes their sign-in's email (and its name, where the sign-in is
named by its address), in the register's service, audited; a clash with another sign-in is
refused naming the field, and nothing changes."""

from datetime import date

import pytest
from account_helpers import make_user

from mutualise.audit.models import AuditEvent
from mutualise.register import services as register
from mutualise.register.errors import MemberError

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(coop):
    return register.join(
        coop,
        display_name="Ann Able",
        email="ann@example.org",
        date_of_birth=date(1980, 1, 1),
        attestations=["supports-objects"],
        actor="t",
    )


def _linked(member, username, email):
    user = make_user(username, email=email)
    register.link_sign_in(member, user, actor="t")
    return user


def test_a_sign_in_named_by_its_address_takes_the_new_one(member, coop):
    user = _linked(member, "ann@example.org", "ann@example.org")
    register.update_details(member, actor="secretary", email="Ann.New@Example.org")
    user.refresh_from_db()
    assert user.email == "ann.new@example.org" == user.username
    event = AuditEvent.objects.get(organisation=coop, action="account.email_changed")
    assert event.data == {"number": member.number, "user_id": user.pk, "username": True}


def test_a_sign_in_with_its_own_name_keeps_it(member):
    user = _linked(member, "ann", "ann@example.org")
    register.update_details(member, actor="secretary", email="ann@new.example")
    user.refresh_from_db()
    assert (user.username, user.email) == ("ann", "ann@new.example")


def test_a_clash_with_another_sign_in_is_refused_and_nothing_changes(member):
    user = _linked(member, "ann@example.org", "ann@example.org")
    make_user("bob@example.org", email="bob@example.org")
    with pytest.raises(MemberError) as refused:
        register.update_details(member, actor="secretary", email="bob@example.org")
    assert refused.value.field == "email"
    member.refresh_from_db()
    user.refresh_from_db()
    assert member.email == user.email == "ann@example.org"


def test_without_a_sign_in_only_the_register_changes(member, coop):
    register.update_details(member, actor="secretary", email="ann@new.example")
    assert not AuditEvent.objects.filter(organisation=coop, action="account.email_changed")
