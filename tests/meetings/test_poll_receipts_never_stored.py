"""A meeting poll receipt never reaches the session table, or any other table, beside the member.

Django's messages live in a cookie until it passes ~2 KB, then spill into the session table; a
receipt put into a message would then sit in the database beside the member's session, and with
`receipts: contents` the receipt names the choice. So the receipt travels to a page of its own in
a signed, short-lived, HttpOnly cookie (meetings/views/receipts.py). Each test first fills the
browser's pending messages past the cookie limit, then casts, then searches every table for the
receipt (sessions decoded, since their data is signed and compressed)."""

from __future__ import annotations

import random
import string

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from meeting_helpers import at, make_members, new_meeting, notice_day

from mutualise.constitution import model_path
from mutualise.meetings import services
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _secret_poll():
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    text = text.replace("\nmeetings:\n", "\nmeetings:\n  receipts: contents\n", 1)
    org = register.create_organisation(
        name="Secret Co-op", constitution_text=text, source_name="coop.yaml", slug="secret",
        actor="test",
    )  # fmt: skip
    assert org.constitution.meetings.receipts == "contents"
    users = [get_user_model().objects.create_user(f"voter{i}") for i in range(4)]
    members = make_members(org, 12, users=users)
    meeting = new_meeting(org)
    resolution = services.add_resolution(
        meeting, title="Secret", text="...", kind_id="ordinary", method="poll"
    )
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members, mode="online")
    services.open_vote(resolution)
    return org, members, meeting, resolution


def _pending_messages(client: Client, kilobytes: int = 3) -> None:
    """Messages not yet shown, more than the messages cookie holds: the next one spills."""
    storage = CookieStorage(RequestFactory().get("/"))
    words = random.Random(10).choices(string.ascii_letters, k=kilobytes * 1024)  # incompressible
    pending = [
        Message(constants.INFO, "".join(words[i : i + 64])) for i in range(0, len(words), 64)
    ]
    encoded = storage._encode(pending)
    assert len(encoded) > storage.max_cookie_size
    client.cookies[storage.cookie_name] = encoded


def _sessions_mentioning(word: str) -> list[str]:
    return [s.session_key for s in Session.objects.all() if word in str(s.get_decoded()).lower()]


def _stored_anywhere(text: str) -> list[str]:
    """Every table and column holding `text`, with the sessions decoded."""
    found = [
        f"django_session {s.session_key}"
        for s in Session.objects.all()
        if text in str(s.get_decoded())
    ]
    for model in apps.get_models():
        for row in model._base_manager.values_list():
            if any(text in str(value) for value in row):
                found.append(model._meta.db_table)
                break
    return found


def test_a_members_receipt_goes_to_its_own_page_and_nowhere_in_the_database():
    org, members, meeting, _ = _secret_poll()
    client = Client()
    client.force_login(members[0].user)
    _pending_messages(client)
    base = f"/o/secret/meetings/{meeting.pk}/resolutions/1"
    cast = client.post(f"{base}/vote", {"r1-choice": "against"})
    assert _sessions_mentioning("receipt") == []
    assert cast.status_code == 302 and cast["Location"] == f"{base}/receipt/"
    cookie = cast.cookies["mutualise_poll_receipt"]
    assert cookie["httponly"] and cookie["path"] == f"{base}/receipt/"
    assert int(cookie["max-age"]) <= 3600
    page = client.get(cast["Location"])
    assert page["Cache-Control"] == "no-store"
    receipt = page.context["receipt"]
    assert receipt and receipt in page.content.decode()
    assert client.get(cast["Location"]).context["receipt"] == receipt  # refreshing shows it again
    detail = client.get(f"/o/secret/meetings/{meeting.pk}/")  # shows the pending messages
    assert receipt not in detail.content.decode()
    assert _stored_anywhere(receipt) == []
    # Another member's browser, or this one without the cookie, is shown no receipt.
    other = Client()
    other.force_login(members[1].user)
    assert other.get(cast["Location"]).context["receipt"] is None


def test_a_paper_cards_receipt_is_shown_once_on_the_console_and_kept_nowhere():
    org, members, meeting, _ = _secret_poll()
    chair = get_user_model().objects.create_user("chair")
    register.grant_role(org, chair, "chair")
    client = Client()
    client.force_login(chair)
    _pending_messages(client)
    url = f"/o/secret/meetings/{meeting.pk}/resolutions/1/paper/"
    keyed = client.post(url, {"number": members[5].number, "choice": "for"})
    assert _sessions_mentioning("receipt") == []
    assert keyed.status_code == 302 and keyed["Location"] == url
    assert keyed.cookies["mutualise_poll_receipt"]["httponly"]
    page = client.get(url)
    card, receipt = page.context["keyed"]
    assert card == str(members[5].number) and receipt in page.content.decode()
    assert client.get(url).context["keyed"] is None  # shown once
    client.get(f"/o/secret/meetings/{meeting.pk}/console/")  # shows the pending messages
    assert _stored_anywhere(receipt) == []


def test_the_pending_messages_do_spill_into_the_session_table():
    """The control: with these pending messages, the next message is written to the database."""
    org, members, meeting, _ = _secret_poll()
    client = Client()
    client.force_login(members[0].user)
    _pending_messages(client)
    refused = client.post(f"/o/secret/meetings/{meeting.pk}/resolutions/1/vote", {"r1-choice": ""})
    assert refused.status_code == 302
    assert _sessions_mentioning("choose for, against or abstain")
