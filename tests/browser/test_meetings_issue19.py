"""Issue 19's meetings journeys in a real browser on a phone (390x844), axe on every page: a
member appoints a proxy, sees it and revokes it; a second motion with the same text is refused
at the field; the secretary previews the notice as a PDF before publishing it."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mutualise.meetings import services
from mutualise.meetings.models import Motion, ProxyAppointment
from mutualise.register import services as register

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "meetings"))
from meeting_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def _user(name):
    return get_user_model().objects.create_user(name, password=PASSWORD)


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_member_appoints_sees_and_revokes_a_proxy(page, sign_in, assert_accessible):
    org = found("community-mutual", slug="mutual")
    members = make_members(org, 6, users=[_user("ann")])
    meeting = services.create_meeting(
        org, kind="general", title="Spring meeting", starts_at=timezone.now() + timedelta(days=40)
    )
    services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    services.call_meeting(meeting, now=timezone.now())

    sign_in("ann", PASSWORD)
    page.goto(f"/o/mutual/meetings/{meeting.pk}/")
    page.get_by_label("Your proxy's membership number").fill(str(members[3].number))
    page.get_by_role("button", name="Appoint my proxy").click()
    shown = page.locator("main").inner_text()
    assert f"Your proxy is member {members[3].number}." in shown
    assert members[3].display_name not in shown  # a number typed in reveals no name
    assert page.get_by_role("heading", name="Your proxy", exact=True).is_visible()
    assert_accessible(page, "meeting page with the member's proxy")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Revoke my proxy").click()
    assert "Your proxy is revoked" in page.locator("main").inner_text()
    assert not page.get_by_role("button", name="Revoke my proxy").count()
    assert_accessible(page, "after revoking the proxy")
    assert ProxyAppointment.objects.get().revoked_at is not None


def test_the_same_motion_twice_is_refused_at_the_field(page, sign_in, assert_accessible):
    org = found("co-operative-society", slug="coop")
    members = make_members(org, 6, users=[_user("ann")])
    meeting = services.create_meeting(
        org, kind="general", title="Autumn meeting", takes_motions=True,
        starts_at=timezone.now() + timedelta(days=60),
    )  # fmt: skip
    services.submit_motion(meeting, members[1], title="Trees", text="That we plant trees.",
                           kind_id="ordinary")  # fmt: skip
    sign_in("ann", PASSWORD)
    page.goto(f"/o/coop/meetings/{meeting.pk}/motions/")
    page.get_by_label("Title of the motion").fill("More trees")
    page.get_by_label("The motion", exact=True).fill("That we plant trees")
    page.get_by_role("button", name="Submit the motion").click()
    summary = page.locator(".govuk-error-summary")
    assert "same text is already submitted" in summary.inner_text()
    assert_accessible(page, "duplicate motion refused")
    _no_sideways_scroll(page)
    assert Motion.objects.count() == 1


def test_the_secretary_previews_the_notice_before_publishing(page, sign_in, assert_accessible):
    org = found("co-operative-society", slug="coop")
    register.grant_role(org, _user("olive"), "officer")
    make_members(org, 4)
    meeting = services.create_meeting(
        org, kind="general", title="Autumn meeting", starts_at=timezone.now() + timedelta(days=60)
    )
    sign_in("olive", PASSWORD)
    page.goto(f"/o/coop/meetings/{meeting.pk}/prepare/")
    link = page.get_by_role("link", name="preview the notice (PDF")  # no proxies: no proxy form
    assert link.is_visible()
    assert_accessible(page, "prepare page with the notice preview")
    _no_sideways_scroll(page)
    preview = page.request.get(link.get_attribute("href"))
    assert preview.ok and preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF")
    meeting.refresh_from_db()
    assert meeting.state == "draft"  # previewing gives no notice
