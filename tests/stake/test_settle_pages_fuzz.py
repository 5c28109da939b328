"""Issue 11.5 for the officer's pages settling a member's shares on death or bankruptcy
(stake/settle_pages.py): arbitrary form data posted by who keeps the register gets a clear
error at the field or a payment, never a 500, and a refusal changes nothing; posted by the
member themselves, 403 and nothing changes."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from hypothesis import given
from post_fuzz import FUZZ, form, has_nul, post
from stake_helpers import found, make_members

from mutualise.register import services as register
from mutualise.register.models import Member, Role
from mutualise.stake import services

pytestmark = pytest.mark.django_db
COVERS = ("stake:settle_death", "stake:settle_bankruptcy")
DEATH = "/o/sunny-energy/shares/register/1/death/"
BANKRUPTCY = "/o/sunny-energy/shares/register/1/bankruptcy/"


def _boxes(*names):
    return [f"{name}_{part}" for name in names for part in ("day", "month", "year")]


DEATH_FIELDS = [*_boxes("died_on", "paid_on"), "shown"]
BANKRUPTCY_FIELDS = [*_boxes("adjudged_on", "paid_on"), "trustee", "amount", "shown"]
# Real dates, so the fuzzed trustee, amount and holding shown reach the service.
DATES = {"adjudged_on_day": "1", "adjudged_on_month": "2", "adjudged_on_year": "2025",
         "paid_on_day": "1", "paid_on_month": "3", "paid_on_year": "2025"}  # fmt: skip


@pytest.fixture
def settle_world(db):
    org = found()
    users = get_user_model().objects
    officer, member_user = users.create_user("fuzz-sec"), users.create_user("fuzz-ann")
    register.grant_role(org, officer, Role.Kind.OFFICER, actor="test")
    (ann,) = make_members(org, 1)
    Member.objects.filter(pk=ann.pk).update(user=member_user)
    services.record_movement(org, ann, "allotment", 50_000, on=date(2021, 6, 1))
    return {"officer": officer, "member": member_user}


@FUZZ
@given(data=form(DEATH_FIELDS, actions=("pay", "check", "change")))
def test_the_death_settlement_never_fails(client, settle_world, data):
    client.force_login(settle_world["officer"])
    post(client, DEATH, data)


@FUZZ
@given(data=form(BANKRUPTCY_FIELDS, actions=("pay", "change")))
def test_the_bankruptcy_payment_never_fails(client, settle_world, data):
    client.force_login(settle_world["officer"])
    post(client, BANKRUPTCY, data)


@FUZZ
@given(data=form(["trustee", "amount", "shown"], actions=("pay", "change")))
def test_the_bankruptcy_payment_on_real_dates_never_fails(client, settle_world, data):
    client.force_login(settle_world["officer"])
    post(client, BANKRUPTCY, {**DATES, **data})


@FUZZ
@given(data=form(BANKRUPTCY_FIELDS + DEATH_FIELDS, actions=("pay",)))
def test_the_member_is_refused_whatever_they_post(client, settle_world, data):
    client.force_login(settle_world["member"])
    for url in (DEATH, BANKRUPTCY):
        assert post(client, url, data).status_code == (400 if has_nul(data) else 403)
