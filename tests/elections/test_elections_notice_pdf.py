"""The notice of election as a PDF: a draft the returning officer checks before publishing
(nobody else sees it), then the public notice with the seats, who may stand, and the
timetable from the rulebook."""

import re
import zlib
from datetime import timedelta

import pytest
from django.test import Client
from election_helpers import CLOSE_OF_POLL, PASSWORD, Driver, make_user, moment

from mutualise.elections import services
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S)
    return b"".join(zlib.decompressobj().decompress(s) for s in streams).decode("latin-1")


@pytest.fixture
def draft(nhs_org, returning_officer):
    return services.create_election(
        nhs_org, body_id="council-of-governors", seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL, actor=returning_officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip


def _url(election):
    return f"/o/{election.organisation.slug}/elections/{election.pk}/notice.pdf"


def test_the_draft_notice_is_for_those_running_the_election_only(client, draft):
    assert Client().get(_url(draft)).status_code == 403
    member = make_user(draft.organisation, "member")
    client.force_login(member)
    assert client.get(_url(draft)).status_code == 403
    client.login(username="ro", password=PASSWORD)
    console = client.get(f"/o/tyneside/elections/{draft.pk}/console/").content.decode()
    assert "Check the notice of election before you publish it" in console
    text = _text(client.get(_url(draft)).content)
    assert "DRAFT FOR CHECKING" in text and "Notice of election" in text


def test_the_published_notice_is_public_and_says_what_the_rulebook_says(draft, returning_officer):
    Driver(draft, returning_officer).to_nominations()
    answer = Client().get(_url(draft))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = _text(answer.content)
    assert "DRAFT" not in text
    assert "Council of Governors" in text and "Nominations close" in text
    assert "The poll closes: 17:00 on Tuesday 15 June 2027" in text
    page = Client().get(f"/o/tyneside/elections/{draft.pk}/").content.decode()
    assert "Notice of election (PDF)" in page


def test_a_void_election_has_no_notice(draft, returning_officer):
    officer = make_user(draft.organisation, "admin2", Role.Kind.ADMINISTRATOR)
    services.void(draft, reason="seats merged", actor=returning_officer)
    client = Client()
    client.force_login(officer)
    assert client.get(_url(draft)).status_code == 404
