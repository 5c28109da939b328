"""The page of mail that did not get through (web/failed_mail.py), reached from the officers'
navigation on the organisation's page: who sees it, its filter by state and its pages, the
reason in words and the time in Europe/London, and sending a bounced message again to a
corrected address (errors in the GOV.UK error summary). And the demo outbox's link, on demo
installs only."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from mutualise.jobs.worker import run_queued
from mutualise.mail import services as mail
from mutualise.mail.models import Message, Status
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db(transaction=True)
OLD, NEW = "ann@old.example", "ann@new.example"


@pytest.fixture
def org():
    return register.create_from_model(
        model="supporters-trust", name="Ayrshire Supporters' Trust", slug="ayrshire", actor="t"
    )


@pytest.fixture
def ann(org):
    return register.join(org, display_name="Ann Bell", email=OLD, date_of_birth=date(1980, 1, 1),
                         postcode="KA7 1AA", attestations=["supporter"], actor="t")  # fmt: skip


def _reminder(org, to=OLD) -> Message:
    return mail.send(organisation=org, to=to, template="governance/reminder",
                     context={"reminder": {"title": "AGM due", "detail": "Call it"}},
                     reason="reminder")  # fmt: skip


@pytest.fixture
def bounced(org, ann, smtp_server):
    smtp_server.handler.refuse[OLD] = "550 5.1.1 <ann@old.example>: no such user"
    message = _reminder(org)
    run_queued()
    message.refresh_from_db()
    assert message.status == Status.BOUNCED
    return message


def _login(client, org, kind=None, name="someone"):
    user = get_user_model().objects.create_user(name, password="x" * 16)
    if kind is not None:
        register.grant_role(org, user, kind, actor="t")
    client.force_login(user)
    return user


def test_only_the_secretary_and_administrator_see_it(client, org, bounced):
    page = reverse("failed_mail", args=[org.slug])
    resend = reverse("failed_mail_resend", args=[org.slug, bounced.pk])
    assert client.get(page).status_code == 302  # to sign in
    for n, kind in enumerate([None, Role.Kind.BOARD, Role.Kind.CHAIR, Role.Kind.RETURNING_OFFICER]):
        _login(client, org, kind, f"u{n}")
        assert client.get(page).status_code == 403
        assert client.get(resend).status_code == 403
        assert client.post(resend, {"member": "1", "confirm": "yes"}).status_code == 403
        home = client.get(reverse("organisation", args=[org.slug])).content.decode()
        assert page not in home
    for kind in (Role.Kind.OFFICER, Role.Kind.ADMINISTRATOR):
        _login(client, org, kind, kind)
        assert client.get(page).status_code == 200
        home = client.get(reverse("organisation", args=[org.slug])).content.decode()
        assert page in home and "Mail that did not get through" in home


def test_the_list_says_why_and_when_and_filters_by_state(client, org, bounced, ann):
    when = datetime(2026, 7, 1, 11, 5, tzinfo=ZoneInfo("UTC"))  # 12:05 in London (summer)
    Message.objects.filter(pk=bounced.pk).update(updated_at=when)
    unknown = _reminder(org, "cara@far.example")
    Message.objects.filter(pk=unknown.pk).update(
        status=Status.FAILED, last_error="it may have gone out, so it is not sent again"
    )
    _login(client, org, Role.Kind.OFFICER)
    page = reverse("failed_mail", args=[org.slug])
    html = client.get(page).content.decode()
    assert "2 messages" in html and "1 July 2026, 12:05" in html
    assert "The mail server refused the address" in html and "550 5.1.1" in html
    assert "Officers&#x27; reminder" in html and f"Ann Bell ({ann.number})" in html
    assert "May have gone out" in html and "it may have reached the member" in html
    assert reverse("failed_mail_resend", args=[org.slug, bounced.pk]) in html
    assert reverse("failed_mail_resend", args=[org.slug, unknown.pk]) not in html
    only = client.get(page, {"state": "unknown"}).content.decode()
    assert "1 message" in only and OLD not in only and "cara@far.example" in only
    assert "No mail in this state." in client.get(page, {"state": "failed"}).content.decode()


def test_it_is_paged(client, org, smtp_server):
    for i in range(30):
        smtp_server.handler.refuse[f"m{i}@far.example"] = "550 5.1.1 no such user"
        _reminder(org, f"m{i}@far.example")
    run_queued()
    _login(client, org, Role.Kind.OFFICER)
    page = reverse("failed_mail", args=[org.slug])
    first = client.get(page).content.decode()
    assert "30 messages" in first and first.count("govuk-table__row") == 26  # head + 25
    assert 'rel="next"' in first and "page=2" in first
    second = client.get(page, {"page": 2}).content.decode()
    assert second.count("govuk-table__row") == 6 and 'rel="prev"' in second


def test_sending_again_to_the_corrected_address(client, org, bounced, ann, smtp_server):
    _login(client, org, Role.Kind.OFFICER)
    resend = reverse("failed_mail_resend", args=[org.slug, bounced.pk])
    html = client.get(resend).content.decode()
    assert "still has this address on the register" in html
    # Bad input: the error summary, linked to the field.
    html = client.post(resend, {"member": "999"}).content.decode()
    assert "There is a problem" in html and 'href="#member"' in html
    assert "There is no member number 999" in html
    # The address is not corrected yet: the service's refusal, in the summary.
    html = client.post(resend, {"member": ann.number, "confirm": "yes"}).content.decode()
    assert "There is a problem" in html and "the one that failed" in html
    register.update_details(ann, email=NEW, actor="t")
    html = client.post(resend, {"member": ann.number}).content.decode()
    assert "Send it to" in html and NEW in html  # confirm first
    assert not Message.objects.filter(to=NEW).exists()
    done = client.post(resend, {"member": ann.number, "confirm": "yes"}, follow=True)
    assert "is sent again, to ann@new.example" in done.content.decode()
    run_queued()
    assert Message.objects.get(to=NEW).status == Status.SENT
    assert "Sent again to ann@new.example" in client.get(
        reverse("failed_mail", args=[org.slug])).content.decode()  # fmt: skip


def test_the_demo_outbox_is_linked_on_demo_installs_only(client, org, settings):
    _login(client, org, Role.Kind.OFFICER)
    home = reverse("organisation", args=[org.slug])
    outbox = reverse("organisation_outbox", args=[org.slug])
    settings.MUTUALISE_DEMO = True
    assert outbox in client.get(home).content.decode()
    settings.MUTUALISE_DEMO = False
    assert outbox not in client.get(home).content.decode()


def test_the_install_outbox_is_linked_for_a_demo_superuser_only(client, settings):
    get_user_model().objects.create_superuser("root", password="x" * 16)
    client.login(username="root", password="x" * 16)
    settings.MUTUALISE_DEMO = True
    assert reverse("outbox") in client.get("/").content.decode()
    settings.MUTUALISE_DEMO = False
    assert reverse("outbox") not in client.get("/").content.decode()
