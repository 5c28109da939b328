"""Fixtures for the meetings tests; the helpers live in meeting_helpers.py."""

import pytest
from meeting_helpers import found


@pytest.fixture
def coop(db):
    return found("co-operative-society", slug="riverside-coop")


@pytest.fixture
def trust(db):
    return found("supporters-trust", slug="town-trust")
