"""A member's own share account page: their holding and movements, nobody else's."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from stake_helpers import found, make_members

from mutualise.register.models import Member
from mutualise.stake import services


@pytest.fixture
def energy(db):
    return found()


def test_a_member_sees_their_own_account_and_no_one_elses(client, energy):
    ann = get_user_model().objects.create_user("ann", password="x")
    mine, theirs = make_members(energy, 2)
    Member.objects.filter(pk=mine.pk).update(user=ann)
    services.record_movement(energy, mine, "allotment", 25_000, on=date(2025, 2, 1))
    services.record_movement(energy, theirs, "allotment", 987_600, on=date(2025, 2, 1))
    assert client.get("/o/sunny-energy/shares/").status_code == 302  # sign in first
    client.force_login(ann)
    body = client.get("/o/sunny-energy/shares/").content.decode()
    assert "£250.00" in body and "250 of £1.00 each" in body and "Shares allotted" in body
    assert "£9,876.00" not in body


def test_a_signed_in_stranger_has_no_account(client, energy):
    client.force_login(get_user_model().objects.create_user("bob", password="x"))
    assert "not linked to a membership" in client.get("/o/sunny-energy/shares/").content.decode()
