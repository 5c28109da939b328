"""Fixtures for the elections tests; helpers live in election_helpers.py."""

import pytest
from election_helpers import make_user, nhs_rulebook

from mutualise.register import services as register
from mutualise.register.models import Role


@pytest.fixture
def nhs_org():
    return register.create_organisation(
        name="Example Tyneside Hospitals",
        constitution_text=nhs_rulebook(),
        source_name="nhs_foundation_trust.yaml",
        slug="tyneside",
        actor="test",
    )


@pytest.fixture
def trust_org():
    return register.create_from_model(
        model="supporters-trust", name="Ayrshire Supporters Trust", slug="ayrshire", actor="test"
    )


@pytest.fixture
def returning_officer(nhs_org):
    return make_user(nhs_org, "ro", Role.Kind.RETURNING_OFFICER)
