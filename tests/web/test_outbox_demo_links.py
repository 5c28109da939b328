"""A demo install keeps a sent message's one-time link so its outbox page shows it (a newcomer
follows an invitation from the browser); a voting code stays redacted even there; production
settings forget the link on sending (and have no outbox page)."""

import pytest
from django.contrib.auth import get_user_model

from mutualise.accounts import services as accounts
from mutualise.mail.models import Message, Status
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coop(db):
    return register.create_from_model(
        model="co-operative-society", name="Riverside Wholefoods", slug="riverside", actor="t"
    )


def _admin(coop):
    user = get_user_model().objects.create_user("adm", email="adm@example.org", password="x" * 16)
    register.grant_role(coop, user, Role.Kind.ADMINISTRATOR, actor="t")
    return user


def _invite(coop, admin, capture):
    with capture(execute=True):  # the suite sends on commit
        accounts.invite_to_role(coop, email="sam@example.org", kind="officer", actor=admin)
    return Message.objects.get(to="sam@example.org")


def test_the_demo_outbox_shows_the_invitation_link_to_follow(
    coop, client, django_capture_on_commit_callbacks
):
    admin = _admin(coop)
    message = _invite(coop, admin, django_capture_on_commit_callbacks)
    assert message.status == Status.SENT
    link = message.secrets["link"]
    assert "/accounts/invitations/" in link and "\u27e6link\u27e7" in message.text
    client.force_login(admin)
    page = client.get("/o/riverside/outbox/").content.decode()
    assert f'href="{link}"' in page and "Its link (demo only)" in page
    assert "\u27e6link\u27e7" not in page  # filled in the body shown too
    client.logout()
    path = link.split("://", 1)[-1].split("/", 1)[1]
    assert "Make your sign-in" in client.get("/" + path).content.decode()  # it works


def test_production_forgets_the_link_once_sent(
    coop, client, settings, django_capture_on_commit_callbacks
):
    settings.MUTUALISE_DEMO = False
    admin = _admin(coop)
    message = _invite(coop, admin, django_capture_on_commit_callbacks)
    assert (message.status, message.secrets) == (Status.SENT, {})
    client.force_login(admin)
    assert client.get("/o/riverside/outbox/").status_code == 404


def test_a_truthy_but_not_true_flag_keeps_nothing(settings):
    from mutualise.mail.delivery import kept_after_sending

    settings.MUTUALISE_DEMO = "1"
    assert kept_after_sending({"link": "http://x/y"}) == {}
    settings.MUTUALISE_DEMO = True
    assert kept_after_sending({"link": "http://x/y", "code": "C"}) == {"link": "http://x/y"}
    assert kept_after_sending({"code": "C"}) == {}
