"""The outbox page: a demo install's officers see their organisation's mail, bodies and all, a
superuser the whole install's; with the production settings the page does not exist (404)."""

import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from test_settings_fail_safe import SRC, production_env

from mutualise.mail import services as mail
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    ours = register.create_from_model(
        model="supporters-trust", name="Ayrshire Trust", slug="ayrshire", actor="t"
    )
    theirs = register.create_from_model(
        model="co-operative-society", name="Riverside Wholefoods", slug="riverside", actor="t"
    )
    for org, to in ((ours, "ann@example.org"), (theirs, "bob@example.org")):
        mail.send(
            organisation=org,
            to=to,
            template="elections/voting_code",
            context={"name": "Ann", "election": {"title": "Board 2026"}, "vote_url": "u"},
            secrets={"code": "SECRET-CODE"},
            reason="voting-code",
        )
    return ours, theirs


def _user(name, org=None, kind=None, **extra):
    user = get_user_model().objects.create_user(name, password="x" * 16, **extra)
    if org is not None:
        Role.objects.create(organisation=org, user=user, kind=kind)
    return user


def test_an_officer_sees_their_organisations_mail_and_bodies_without_secrets(orgs, client):
    ours, _ = orgs
    client.force_login(_user("sec", ours, Role.Kind.OFFICER))
    page = client.get("/o/ayrshire/outbox/").content.decode()
    assert "ann@example.org" in page and "bob@example.org" not in page
    assert "Your voting code: Board 2026" in page and "Dear Ann," in page
    assert "SECRET-CODE" not in page and "\u27e6code\u27e7" in page
    assert "Sent" in page  # the suite sends on commit
    assert client.get("/outbox/").status_code == 403  # the whole install: superusers only
    assert client.get("/o/riverside/outbox/").status_code == 403


def test_a_member_may_not_and_a_superuser_sees_the_whole_install(orgs, client):
    ours, _ = orgs
    client.force_login(_user("mo"))
    assert client.get("/o/ayrshire/outbox/").status_code == 403
    client.force_login(_user("root", is_superuser=True, is_staff=True))
    page = client.get("/outbox/").content.decode()
    assert "ann@example.org" in page and "bob@example.org" in page
    assert "Riverside Wholefoods" in page
    assert "bob@" not in client.get("/outbox/?status=failed").content.decode()


def test_without_the_demo_flag_the_page_is_not_there(orgs, client, settings):
    settings.MUTUALISE_DEMO = False
    client.force_login(_user("root", is_superuser=True, is_staff=True))
    assert client.get("/outbox/").status_code == 404
    assert client.get("/o/ayrshire/outbox/").status_code == 404
    client.logout()
    assert client.get("/outbox/").status_code == 404  # not even a sign-in redirect


def test_the_production_settings_have_no_demo_flag_whatever_the_environment_says():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MUTUALISE_DEMO, settings.EMAIL_BACKEND)"
    )
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("MUTUALISE_")}
    env.update(production_env(), PYTHONPATH=SRC, DJANGO_SETTINGS_MODULE="mutualise.web.settings")
    env["MUTUALISE_DEMO"] = "1"  # an operator's mistake: the production settings ignore it
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "django.core.mail.backends.smtp.EmailBackend"], (
        out.stderr
    )
