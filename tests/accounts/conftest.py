"""Fixtures for the accounts tests: a co-operative, its administrator, and people in each role."""

from datetime import date

import pytest
from account_helpers import make_user

from mutualise.register import services as register
from mutualise.register.models import Role


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
