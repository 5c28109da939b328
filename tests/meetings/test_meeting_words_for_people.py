"""The meeting pages speak words, not rulebook ids: a resolution's majority base in words
(not "(votes-cast)"), and the notice offers a proxy form only where the rulebook allows proxies."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.meetings import pdf, services
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def _officer_and_meeting(model, slug, kind_id):
    org = found(model, slug=slug)
    officer = get_user_model().objects.create_user(f"officer-{slug}")
    register.grant_role(org, officer, "officer")
    make_members(org, 3)
    meeting = services.create_meeting(
        org, kind="general", title="Autumn meeting", starts_at=timezone.now() + timedelta(days=60)
    )
    services.add_resolution(meeting, title="Rules", text="Amend.", kind_id=kind_id, method="poll")
    client = Client()
    client.force_login(officer)
    return org, client, meeting


@pytest.mark.parametrize(
    "model, kind_id, words",
    [
        ("co-operative-society", "ordinary", "of the votes cast"),
        ("credit-union", "rule-change", "of the members present"),
    ],
)
def test_the_meeting_pages_and_notice_give_the_majority_base_in_words(model, kind_id, words):
    org, client, meeting = _officer_and_meeting(model, "org", kind_id)
    base = org.constitution.resolution(kind_id).base
    detail = client.get(f"/o/org/meetings/{meeting.pk}/").content.decode()
    prepare = client.get(f"/o/org/meetings/{meeting.pk}/prepare/").content.decode()
    notice = " ".join(text for _, text in pdf.notice_lines(meeting))
    for text in (detail, prepare, notice):
        assert words in text
        assert str(base) not in text
    assert f"({base})" not in detail


@pytest.mark.parametrize(
    "model, allowed", [("co-operative-society", False), ("community-mutual", True)]
)
def test_the_notice_links_offer_a_proxy_form_only_where_the_rulebook_allows_proxies(model, allowed):
    org, client, meeting = _officer_and_meeting(model, "org", "ordinary")
    assert org.constitution.meetings.proxies.allowed is allowed
    detail = client.get(f"/o/org/meetings/{meeting.pk}/").content.decode()
    prepare = client.get(f"/o/org/meetings/{meeting.pk}/prepare/").content.decode()
    assert ("Download the notice and proxy form (PDF)" in detail) is allowed
    assert ("preview the notice and proxy form (PDF" in prepare) is allowed
    if not allowed:
        assert "Download the notice (PDF)" in detail
        assert "preview the notice (PDF" in prepare
