"""Issue 11.5 for the share pages: arbitrary form data posted by a member to the withdrawal,
cancel, nomination and offer forms gets a clear error at the field or a success, never a 500,
and a refusal changes nothing."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import given
from post_fuzz import FUZZ, form, post
from stake_helpers import found, make_members

from mutualise.register.models import Member
from mutualise.stake import services

pytestmark = pytest.mark.django_db
COVERS = (
    "stake:withdraw", "stake:cancel_withdrawal", "stake:nominate", "stake:offer",
    "stake:choose_interest",
)  # fmt: skip


@pytest.fixture
def shares_world(db):
    org = found()
    user = get_user_model().objects.create_user("fuzz-ann", password="x")
    (member,) = make_members(org, 1)
    Member.objects.filter(pk=member.pk).update(user=user)
    member.refresh_from_db()
    services.record_movement(org, member, "allotment", 50_000, on=date(2021, 6, 1))
    asked = services.request_withdrawal(org, member, 10_000, on=date(2026, 1, 5))
    today = timezone.localdate()
    offer = services.open_offer(
        org, title="Turbine", opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=60), minimum_pence=1_000_000,
        optimum_pence=2_000_000, maximum_pence=3_000_000, policy="pro-rata",
    )  # fmt: skip
    return {"org": org, "user": user, "asked": asked, "offer": offer}


@FUZZ
@given(data=form(["amount"]))
def test_the_withdrawal_form_never_fails(client, shares_world, data):
    client.force_login(shares_world["user"])
    base = f"/o/{shares_world['org'].slug}/shares/"
    post(client, base + "withdraw/", data)
    post(client, base + f"withdraw/{shares_world['asked'].pk}/cancel", data)


@FUZZ
@given(data=form(["name", "address", "relationship"]))
def test_the_nomination_form_never_fails(client, shares_world, data):
    client.force_login(shares_world["user"])
    post(client, f"/o/{shares_world['org'].slug}/shares/nominate/", data)


@pytest.mark.parametrize("field", ["name", "address", "relationship"])
def test_a_nul_character_in_a_nomination_is_a_clear_error(client, shares_world, field):
    """Found by the fuzz test on PostgreSQL, whose text cannot hold NUL: it was a 500."""
    client.force_login(shares_world["user"])
    data = {"name": "Ann Smith", "address": "1 High Street", "relationship": "sister"}
    data[field] = "x\x00y"
    answer = post(client, f"/o/{shares_world['org'].slug}/shares/nominate/", data)
    assert answer.status_code == 400 and "NUL character" in answer.content.decode()


@FUZZ
@given(data=form(["shares"]))
def test_the_offer_application_never_fails(client, shares_world, data):
    client.force_login(shares_world["user"])
    post(client, f"/o/{shares_world['org'].slug}/shares/offers/{shares_world['offer'].pk}/", data)


@FUZZ
@given(data=form(["choice", "member"]))
def test_the_interest_choice_never_fails(client, shares_world, data):
    """The member's own choice, or one for a member number posted (refused: not an officer)."""
    client.force_login(shares_world["user"])
    post(client, f"/o/{shares_world['org'].slug}/shares/interest/", data)


def test_a_5000_digit_application_is_a_clear_error(client, shares_world):
    client.force_login(shares_world["user"])
    answer = post(
        client,
        f"/o/{shares_world['org'].slug}/shares/offers/{shares_world['offer'].pk}/",
        {"shares": "9" * 5000},
    )
    assert answer.status_code == 400 and "more shares than any" in answer.content.decode()
