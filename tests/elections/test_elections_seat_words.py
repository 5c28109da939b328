"""The new-election page names seats in words, not by a seat group's rulebook id."""

import pytest
from election_helpers import make_user

from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def test_the_seat_choices_name_an_unnamed_seat_group_in_words(client):
    org = register.create_from_model(
        model="co-operative-society", name="Riverside", slug="riverside", actor="test"
    )
    group = next(g for b in org.constitution.bodies for g in b.seats if g.id == "elected-directors")
    assert group.name == "" and group.label == "Elected directors"
    client.force_login(make_user(org, "olive", "officer"))
    page = client.get("/o/riverside/elections/new/").content.decode()
    assert "Board of Directors: Elected directors (7 seats)" in page
    assert ": elected-directors" not in page
