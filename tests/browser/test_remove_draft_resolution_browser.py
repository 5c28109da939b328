"""In Chromium at 390x844 with axe: the secretary takes a resolution added by mistake off a
draft agenda (a page asks first and says the one after it moves up); the agenda is renumbered."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from mutualise.meetings import services
from mutualise.meetings.models import Resolution
from mutualise.register import services as register

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "meetings"))
from meeting_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def test_a_resolution_added_by_mistake_comes_off_the_draft_agenda(page, sign_in, assert_accessible):
    org = found("co-operative-society", slug="coop")
    make_members(org, 4)
    user = get_user_model().objects.create_user("sec", password=PASSWORD)
    register.grant_role(org, user, "officer", actor="test")
    meeting = services.create_meeting(
        org, kind="general", title="Autumn", place="Village Hall", actor="test",
        starts_at=timezone.now() + timedelta(days=60),
    )  # fmt: skip
    for title in ("Paint", "Added by mistake", "Roof"):
        services.add_resolution(meeting, title=title, text=".", kind_id="ordinary", actor="t")
    sign_in("sec", PASSWORD)
    page.goto(f"/o/coop/meetings/{meeting.pk}/prepare/")
    page.get_by_role("link", name="Remove resolution 2, Added by mistake").click()
    expect(page.get_by_role("heading", name="Remove resolution 2?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("The 1 resolution after it moves up one number")
    assert_accessible(page, "remove a resolution: are you sure?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Remove resolution 2").click()
    expect(page.locator("main")).to_contain_text("3 is now 2")
    assert_accessible(page, "the agenda after the removal")
    numbered = Resolution.objects.filter(meeting=meeting).values_list("number", "title")
    assert list(numbered) == [(1, "Paint"), (2, "Roof")]
