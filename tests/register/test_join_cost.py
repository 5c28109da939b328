"""The Join form says what membership costs, from the rulebook's minimum shareholding."""

import pytest

from mutualise.register import services


@pytest.mark.parametrize(
    ("model", "says"),
    [
        ("community-energy-coop", "Membership costs £250: you buy 250 shares of £1 each."),
        ("supporters-trust", "Membership costs £1: you buy 1 share of £1 each."),
        ("nhs-foundation-trust", "Membership is free."),
    ],
)
def test_the_join_form_says_what_membership_costs(client, db, model, says):
    org = services.create_from_model(model=model, name=f"Test {model}", slug="joining")
    body = client.get(f"/o/{org.slug}/join/").content.decode()
    assert says in body
    if model != "nhs-foundation-trust":
        assert "Membership is free" not in body
