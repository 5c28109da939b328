"""Consent to shorter notice (the rulebook's `meetings.general.shorter_notice_consent`, e.g.
90% of members agreeing in writing) is recorded from the chair's console, and with enough
consents a general meeting may be called at shorter notice (issue 20 item 5: it could never
apply before, nothing recorded the consents)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.meetings import services
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def _draft_meeting_tomorrow():
    org = found("co-operative-society", slug="coop")
    make_members(org, 10)
    chair = get_user_model().objects.create_user("chair")
    register.grant_role(org, chair, "chair")
    meeting = services.create_meeting(
        org,
        kind="general",
        title="Urgent meeting",
        starts_at=timezone.now() + timedelta(days=1),
        online=True,
    )
    client = Client()
    client.force_login(chair)
    return meeting, client


def _post(client, meeting, **data):
    url = f"/o/coop/meetings/{meeting.pk}/console/action"
    return client.post(url, data, follow=True).content.decode()


def test_nine_in_ten_consents_let_the_meeting_be_called_at_short_notice():
    meeting, chair = _draft_meeting_tomorrow()
    page = chair.get(f"/o/coop/meetings/{meeting.pk}/console/").content.decode()
    assert "Consent to shorter notice" in page
    assert "14 clear days" in _post(chair, meeting, action="call")  # refused: too short
    meeting.refresh_from_db()
    assert meeting.state == "draft"
    assert "9 members&#x27; consents" in _post(
        chair, meeting, action="short_notice_consents", consents="9"
    )
    _post(chair, meeting, action="call")
    meeting.refresh_from_db()
    assert meeting.state == "called"


def test_too_few_consents_do_not():
    meeting, chair = _draft_meeting_tomorrow()
    _post(chair, meeting, action="short_notice_consents", consents="8")  # 80% < 90%
    _post(chair, meeting, action="call")
    meeting.refresh_from_db()
    assert meeting.state == "draft"


def test_a_bad_number_of_consents_is_explained():
    meeting, chair = _draft_meeting_tomorrow()
    page = _post(chair, meeting, action="short_notice_consents", consents="many")
    assert "Consents: enter how many members agreed in writing" in page


@pytest.mark.parametrize("consents", ["²", "١٢", "9" * 5000])
def test_a_number_isdigit_lets_through_but_int_refuses_is_explained_not_a_500(consents):
    """'²' passes str.isdigit() and int() raised on it (and on 5,000 digits): a 500."""
    meeting, chair = _draft_meeting_tomorrow()
    page = _post(chair, meeting, action="short_notice_consents", consents=consents)
    assert "Consents: enter how many members agreed in writing" in page
    meeting.refresh_from_db()
    assert not meeting.short_notice_consents
