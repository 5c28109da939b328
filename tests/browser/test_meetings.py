"""Meeting pages in a real browser: a member votes in advance and appoints a proxy on a phone;
the chair runs a meeting from the console (quorum, check-in, show of hands) and the live results
screen shows the declared figures. axe checks every page."""

import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mutualise.meetings import services
from mutualise.meetings.models import SealedBallot, VoteRecord
from mutualise.register import services as register

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "meetings"))
from meeting_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def _user(name):
    return get_user_model().objects.create_user(name, password=PASSWORD)


def _meeting(org, starts_at, **resolution):
    meeting = services.create_meeting(
        org, kind="general", title="Autumn general meeting", starts_at=starts_at, place="Hall"
    )
    services.add_resolution(
        meeting, title="Solar roof", text="To install panels.", kind_id="ordinary", **resolution
    )
    return meeting


def test_member_votes_in_advance_and_appoints_a_proxy(page, sign_in, assert_accessible):
    org = found("community-energy-coop", slug="energy")
    member_user = _user("alice")
    members = make_members(org, 10, users=[member_user])
    meeting = _meeting(org, timezone.now() + timedelta(days=20), advance_voting=True)
    services.add_paper(meeting, title="Annual accounts", url="https://example.org/accounts.pdf")
    services.call_meeting(meeting)

    sign_in("alice", PASSWORD)
    page.goto(f"/o/energy/meetings/{meeting.pk}/")
    assert page.get_by_role("heading", name="Autumn general meeting").is_visible()
    assert "Ordinary resolution" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Annual accounts").is_visible()
    assert_accessible(page, "member's meeting page")
    page.get_by_role("button", name="Vote on resolution 1").click()
    assert "Choose for, against or abstain" in page.locator("main").inner_text()
    page.get_by_role("group", name="Your vote on resolution 1").get_by_label(
        "For", exact=True
    ).check()
    page.get_by_role("button", name="Vote on resolution 1").click()
    assert "Your receipt" in page.locator("main").inner_text()
    assert_accessible(page, "the receipt page")
    page.get_by_role("link", name="Back to the meeting").click()
    assert page.get_by_text("You have voted").is_visible()
    assert_accessible(page, "after voting")

    page.get_by_label("Your proxy's membership number").fill(str(members[1].number))
    page.get_by_role("button", name="Appoint my proxy").click()
    assert f"Your proxy is member {members[1].number}." in page.locator("main").inner_text()
    assert_accessible(page, "after appointing a proxy")
    # The vote waits sealed until enough can be mixed with it (docs/secrecy-meeting-polls.md).
    resolution = meeting.resolutions.get()
    assert VoteRecord.objects.filter(resolution=resolution, channel="advance").count() == 1
    assert SealedBallot.objects.filter(resolution=resolution).count() == 1


def test_chair_runs_the_meeting_from_the_console(desktop_page, sign_in, assert_accessible):
    page = desktop_page
    org = found("co-operative-society", slug="coop")
    chair = _user("chair")
    register.grant_role(org, chair, "chair")
    members = make_members(org, 12)  # quorum: 3
    starts = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    meeting = _meeting(org, starts)
    services.call_meeting(meeting, now=starts - timedelta(days=30))

    sign_in("chair", PASSWORD, target=page)
    page.goto(f"/o/coop/meetings/{meeting.pk}/console/")
    assert_accessible(page, "console before opening")
    page.get_by_role("button", name="Open the meeting").click()
    assert page.get_by_role("button", name="Open the vote (1)").is_disabled()
    assert "inquorate: 0 present, 3 needed" in page.locator("main").inner_text()
    for member in members[:4]:
        page.get_by_label("Membership number").fill(str(member.number))
        page.get_by_role("button", name="Find the member").click()
        # The name, to confirm who they are, before checking them in.
        assert member.display_name in page.locator("#confirm-check-in").inner_text()
        page.get_by_role("button", name=f"Check in {member.display_name}").click()
    assert "Quorate" in page.locator("#quorum").inner_text()
    page.get_by_label("Membership number").fill(str(members[0].number))
    page.get_by_role("button", name="Find the member").click()
    assert "Already checked in" in page.locator("#confirm-check-in").inner_text()
    assert page.get_by_role("button", name=f"Check in {members[0].display_name}").count() == 0
    assert_accessible(page, "console refusing a second check-in")
    leaving = re.compile(rf"^Record leaving\W+{members[3].display_name}$")
    page.get_by_role("button", name=leaving).click()
    assert "3 present" in page.locator("#quorum").inner_text()  # quorum follows
    assert members[3].display_name in page.locator("#attendance").inner_text()
    assert page.get_by_label("Chair's casting vote (only if the vote is tied)").count() == 0
    page.get_by_role("button", name="Open the vote (1)").click()
    page.get_by_label("For", exact=True).fill("2")
    page.get_by_label("Against", exact=True).fill("1")
    page.get_by_label("Abstain", exact=True).fill("0")
    page.get_by_role("button", name="Declare the result (1)").click()
    text = page.locator("main").inner_text()
    assert "2 for, 1 against, 0 abstaining" in text and "Quorum at the vote: 3 present" in text
    assert_accessible(page, "console after declaring")

    page.get_by_role("link", name="Open the live results screen").click()
    results = page.locator("#results").inner_text()
    assert "CARRIED" in results and "Show of hands" in results and "\t0\t" not in results
    assert_accessible(page, "live results")


def test_console_is_for_those_who_run_meetings(page, sign_in):
    org = found("co-operative-society", slug="coop2")
    _user("bob")
    make_members(org, 3)
    meeting = _meeting(org, timezone.now() + timedelta(days=20))
    services.call_meeting(meeting)
    sign_in("bob", PASSWORD)
    response = page.goto(f"/o/coop2/meetings/{meeting.pk}/console/")
    assert response.status == 403


def test_proxy_form_naming_a_non_member_is_accessible(page, sign_in, assert_accessible):
    org = found("community-mutual", slug="mutual")
    make_members(org, 3, users=[_user("carol")])
    meeting = _meeting(org, timezone.now() + timedelta(days=20))
    services.call_meeting(meeting)
    sign_in("carol", PASSWORD)
    page.goto(f"/o/mutual/meetings/{meeting.pk}/")
    page.get_by_label("Or the name of someone who is not a member").fill("Jo Bloggs")
    page.get_by_role("group", name="How your proxy votes on 1. Solar roof").get_by_label(
        "Against", exact=True
    ).check()
    page.get_by_role("button", name="Appoint my proxy").click()
    assert "Your proxy is Jo Bloggs." in page.locator("main").inner_text()
    assert_accessible(page, "proxy form with a non-member proxy")


def test_member_starts_a_requisition(page, sign_in, assert_accessible):
    org = found("co-operative-society", slug="coop3")
    make_members(org, 20, users=[_user("dan")])
    sign_in("dan", PASSWORD)
    page.goto("/o/coop3/meetings/")
    page.get_by_role("link", name="Requisition a general meeting").click()
    assert_accessible(page, "requisition page")
    page.get_by_label("What is the meeting for?").fill("To discuss the new shop")
    page.get_by_role("button", name="Start and sign").click()
    assert page.get_by_text("You have signed", exact=True).is_visible()
    assert page.get_by_role("heading", name="To discuss the new shop").is_visible()
    assert_accessible(page, "after starting a requisition")
