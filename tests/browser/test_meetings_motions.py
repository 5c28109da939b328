"""Members' motions and paper poll cards in a real browser: on a phone a member proposes a
motion (and first meets the error summary), another supports it and an officer puts it on the
agenda; the chair keys paper poll cards at the meeting. axe checks every page and every error."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mutualise.meetings import services
from mutualise.meetings.models import Motion
from mutualise.register import services as register

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "meetings"))
from meeting_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def _user(name):
    return get_user_model().objects.create_user(name, password=PASSWORD)


def _sign_out(page):
    page.context.clear_cookies()


def test_members_propose_and_support_a_motion_and_an_officer_accepts_it(
    page, sign_in, assert_accessible
):
    org = found("building-society", slug="society")  # statements: at most 500 words
    members = make_members(org, 6, users=[_user("alice"), _user("bob")])
    register.grant_role(org, _user("olive"), "officer")
    meeting = services.create_meeting(
        org,
        kind="agm",
        title="Annual general meeting",
        starts_at=timezone.now() + timedelta(days=60),
        financial_year=timezone.now().year,
        motion_supporters_required=1,
    )
    url = f"/o/society/meetings/{meeting.pk}/motions/"

    sign_in("alice", PASSWORD)
    page.goto(url)
    assert page.get_by_role("heading", name="Members' motions").is_visible()
    assert_accessible(page, "motions page, empty")
    page.get_by_role("button", name="Submit the motion").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a title for the motion" in summary.inner_text()
    assert_accessible(page, "motion form with empty fields")
    page.get_by_label("Title of the motion").fill("Branch opening hours")
    page.get_by_label("The motion", exact=True).fill("That branches open on Saturdays.")
    page.get_by_label("Your supporting statement (optional)").fill(" ".join(["word"] * 501))
    page.get_by_role("button", name="Submit the motion").click()
    assert "501 words; the rules allow at most 500" in summary.inner_text()
    assert_accessible(page, "motion form with too many words")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "statement"
    page.get_by_label("Your supporting statement (optional)").fill("Members work weekdays.")
    page.get_by_role("button", name="Submit the motion").click()
    assert "Your motion ‘Branch opening hours’ is submitted." in page.locator("main").inner_text()
    assert_accessible(page, "after submitting a motion")

    _sign_out(page)
    sign_in("bob", PASSWORD)
    page.goto(url)
    page.get_by_role("button", name="Support ‘Branch opening hours’").click()
    assert page.get_by_text("You support this motion").is_visible()
    assert_accessible(page, "after supporting a motion")

    _sign_out(page)
    sign_in("olive", PASSWORD)
    page.goto(url)
    assert_accessible(page, "motions page for an officer")
    page.get_by_role("button", name="Put ‘Branch opening hours’ on the agenda").click()
    assert "is on the agenda as resolution 1" in page.locator("main").inner_text()
    assert_accessible(page, "after accepting a motion")
    motion = Motion.objects.get()
    assert motion.state == "accepted" and motion.resolution.proposed_by == (
        f"member {members[0].number}"
    )


def test_the_chair_keys_paper_poll_cards(page, sign_in, assert_accessible):
    org = found("co-operative-society", slug="coop")
    register.grant_role(org, _user("chair"), "chair")
    members = make_members(org, 12)  # quorum: 3
    starts = timezone.now() + timedelta(minutes=5)
    meeting = services.create_meeting(
        org, kind="general", title="Autumn meeting", starts_at=starts, place="Hall"
    )
    resolution = services.add_resolution(
        meeting, title="Solar roof", text="Panels.", kind_id="ordinary", method="poll"
    )
    services.call_meeting(meeting, now=starts - timedelta(days=30))
    services.open_meeting(meeting, now=starts)
    services.check_in_many(meeting, members[:4])
    services.open_vote(resolution)

    sign_in("chair", PASSWORD)
    page.goto(f"/o/coop/meetings/{meeting.pk}/console/")
    page.get_by_role("link", name="Key paper poll cards for resolution 1").click()
    assert page.get_by_role("heading", name="Paper poll cards").is_visible()
    assert_accessible(page, "paper poll page")
    page.get_by_role("button", name="Record this poll card").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter the membership number on the poll card" in summary.inner_text()
    assert "Choose the vote marked on the card" in summary.inner_text()
    assert_accessible(page, "paper poll form with empty fields")
    for member, choice in ((members[0], "For"), (members[1], "Against")):
        page.get_by_label("Membership number on the poll card").fill(str(member.number))
        page.get_by_role("group", name="Vote marked on the card").get_by_label(
            choice, exact=True
        ).check()
        page.get_by_role("button", name="Record this poll card").click()
        assert f"Poll card of member {member.number} recorded" in page.locator("main").inner_text()
    page.get_by_label("Membership number on the poll card").fill(str(members[0].number))
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Record this poll card").click()
    assert "has already voted" in summary.inner_text()
    assert_accessible(page, "paper poll card refused")
    assert "2 members have voted, 2 on paper." in page.locator("#paper-counts").inner_text()
    # A secret poll's cards stay sealed until the declaration mixes and opens them.
    declared = services.declare_result(resolution)
    assert (declared.votes_for, declared.votes_against, declared.abstentions) == (1, 1, 0)
