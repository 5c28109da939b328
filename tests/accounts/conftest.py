"""Fixtures for the accounts tests: a co-operative, its administrator, and people in each role."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from mutualise.register import services as register
from mutualise.register.models import Role


def make_user(username, *, org=None, kind=None, email=None, **extra):
    user = get_user_model().objects.create_user(
        username=username, email=email or f"{username}@example.org", password="x" * 16, **extra
    )
    if org is not None and kind is not None:
        register.grant_role(org, user, kind, actor="test")
    return user


@pytest.fixture
def coop(db):
    return register.create_from_model(
        model="co-operative-society", name="Riverside Wholefoods", slug="riverside", actor="test"
    )


@pytest.fixture
def other_org(db):
    return register.create_from_model(
        model="housing-coop", name="Canal Street Housing", slug="canal", actor="test"
    )


@pytest.fixture
def admin(coop):
    return make_user("ada", org=coop, kind=Role.Kind.ADMINISTRATOR)


@pytest.fixture
def people(coop, other_org, admin):
    """One user for each role a refusal is tested against."""
    member_user = make_user("mo")
    joined = register.join(
        coop,
        display_name="Mo Member",
        date_of_birth=date(1980, 1, 1),
        email="mo@example.org",
        attestations=["supports-objects"],
        user=member_user,
        actor="test",
    )
    register.admit(joined, actor="test")
    return {
        "member": member_user,
        "secretary": make_user("sec", org=coop, kind=Role.Kind.OFFICER),
        "returning_officer": make_user("ro", org=coop, kind=Role.Kind.RETURNING_OFFICER),
        "chair": make_user("chair", org=coop, kind=Role.Kind.CHAIR),
        "admin_elsewhere": make_user("other", org=other_org, kind=Role.Kind.ADMINISTRATOR),
        "admin": admin,
    }


def token_from(message) -> str:
    """The token at the end of the invitation link in a sent mail."""
    import re

    match = re.search(r"/accounts/invitations/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)
