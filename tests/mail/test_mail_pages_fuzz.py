"""Issue 11.5 for the mail pages: arbitrary values posted to clear a bouncing address and to
send a bounced message again to a member, by the membership secretary and by a signed-in member who holds no role, never give a 500, and a
refusal changes nothing."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from hypothesis import given
from post_fuzz import FUZZ, form, post

from mutualise.mail import services as mail
from mutualise.mail.models import Bounce, Message, Status
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
COVERS = ("bouncing", "failed_mail_resend")


@pytest.fixture
def world(db):
    org = register.create_from_model(
        model="supporters-trust", name="Ayrshire Supporters' Trust", slug="ayrshire", actor="t"
    )
    users = get_user_model().objects
    secretary = users.create_user("secretary", password="x" * 20)
    register.grant_role(org, secretary, Role.Kind.OFFICER, actor="t")
    register.join(org, display_name="Ann Bell", email="ann@example.org", postcode="KA7 1AA",
                  date_of_birth=date(1980, 1, 1),
                  attestations=["supporter"], actor="t")  # fmt: skip
    Bounce.objects.create(organisation=org, address="gone@example.org", status="5.1.1")
    return org, users.create_user("stranger", password="x" * 20), secretary


@FUZZ
@given(data=form(["clear"]))
def test_clearing_a_bounce_never_fails(client, world, data):
    org, stranger, secretary = world
    for user in (stranger, secretary):
        client.force_login(user)
        post(client, f"/o/{org.slug}/bouncing/", data)


@FUZZ
@given(data=form(["member", "confirm"]))
def test_sending_a_bounced_message_again_never_fails(client, world, data):
    org, stranger, secretary = world
    sent = mail.send(organisation=org, to="gone@example.org", template="governance/reminder",
                     context={"reminder": {"title": "AGM due", "detail": "Call it"}},
                     reason="reminder")  # fmt: skip
    Message.objects.filter(pk=sent.pk).update(status=Status.BOUNCED)
    for user in (stranger, secretary):
        client.force_login(user)
        post(client, f"/o/{org.slug}/mail/failed/{sent.pk}/resend/", data)
    assert client.get(f"/o/{org.slug}/mail/failed/{sent.pk}/resend/").status_code == 200
