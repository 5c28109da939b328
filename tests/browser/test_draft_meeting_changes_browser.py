"""Issue 19 in Chromium (390x844, axe on each page): the secretary changes a draft meeting's
place and a resolution's words before publishing its notice; after publishing, the change page
says why nothing can change and offers no form."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from mutualise.meetings import services
from mutualise.meetings.models import Meeting, Resolution
from mutualise.register import services as register

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "meetings"))
from meeting_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def test_a_draft_meeting_is_changed_until_its_notice_is_published(page, sign_in, assert_accessible):
    org = found("co-operative-society", slug="coop")
    make_members(org, 4)
    user = get_user_model().objects.create_user("sec", password=PASSWORD)
    register.grant_role(org, user, "officer", actor="test")
    meeting = services.create_meeting(
        org, kind="general", title="Autumn", place="Village Hall", actor="test",
        starts_at=timezone.now() + timedelta(days=60),
    )  # fmt: skip
    services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary", actor="t")
    sign_in("sec", PASSWORD)
    page.goto(f"/o/coop/meetings/{meeting.pk}/prepare/")
    page.get_by_role("link", name="Change the date, time, place or title").click()
    assert_accessible(page, "change a draft meeting")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Where").fill("The Barn")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text("The meeting's details are changed.")).to_be_visible()
    expect(page.get_by_text("The Barn")).to_be_visible()
    page.get_by_role("link", name="Change resolution 1, Paint").click()
    assert_accessible(page, "change a draft resolution")
    page.get_by_label("The resolution's text").fill("Green.")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text("Resolution 1 is changed.")).to_be_visible()
    assert Resolution.objects.get().text == "Green."
    assert Meeting.objects.get().place == "The Barn"

    services.call_meeting(meeting, actor="test")
    page.goto(f"/o/coop/meetings/{meeting.pk}/change/")
    expect(page.locator("#fixed")).to_contain_text("can no longer be changed")
    expect(page.get_by_role("button", name="Save the changes")).to_have_count(0)
    assert_accessible(page, "a published meeting cannot change")
