"""The chair's new pages in a real browser, axe on each: a member attending remotely raises a
hand online on a phone (390x844) and the chair's console counts it; the board co-opts to a seat
an election left unfilled, confirming the member by name (desktop)."""

import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from mutualise.meetings import services
from mutualise.meetings.models import OnlineHand
from mutualise.register import services as register

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "meetings"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "elections"))
from meeting_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def _user(name):
    return get_user_model().objects.create_user(name, password=PASSWORD)


def test_a_remote_member_raises_a_hand_online_on_a_phone(page, sign_in, assert_accessible):
    org = found("community-mutual", slug="remote")
    ann = _user("ann")
    members = make_members(org, 8, users=[ann])
    chair = _user("chair")
    register.grant_role(org, chair, "chair", actor="test")
    starts = timezone.now() - timedelta(minutes=5)
    meeting = services.create_meeting(
        org, kind="general", title="Online meeting", starts_at=starts, online=True,
        remote_url="https://meet.example.org/remote",
    )  # fmt: skip
    resolution = services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    services.call_meeting(meeting, now=starts - timedelta(days=30))
    services.open_meeting(meeting, now=starts)
    services.check_in_many(meeting, members[1:])
    services.check_in(meeting, members[0], mode="online", actor=ann)
    services.open_vote(resolution, actor=chair)

    sign_in("ann", PASSWORD)
    page.goto(f"/o/remote/meetings/{meeting.pk}/")
    assert page.locator("#remote-link").get_attribute("href") == "https://meet.example.org/remote"
    page.get_by_role("button", name="Raise my hand on resolution 1").click()
    assert "choose for, against or abstain" in page.locator("main").inner_text()
    page.get_by_role("group", name="Show of hands on resolution 1").get_by_label("For").check()
    page.get_by_role("button", name="Raise my hand on resolution 1").click()
    assert "Your hand is raised: for" in page.locator("main").inner_text()
    assert not page.get_by_role("button", name="Raise my hand on resolution 1").count()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, "meeting page after raising a hand online")
    assert OnlineHand.objects.get().choice == "for"


def test_the_board_co_opts_to_an_unfilled_seat(desktop_page, sign_in, assert_accessible):
    from django.db import transaction
    from election_helpers import make_members as make_voters
    from election_helpers import make_user
    from test_election_rulebook_fields import SEATS, _declared_with_one_for_three, _org

    from mutualise.elections.models import OfficeTerm

    with transaction.atomic():  # the election helpers write audited rows outside services
        org = _org("b-coopt", unfilled_seats="co-opted")
        election, _ = _declared_with_one_for_three(org)
        (member,) = make_voters(org, SEATS, 1, prefix="Coopted")
        make_user(org, "board-b", "board")
    page = desktop_page
    sign_in("board-b", _password(), target=page)
    page.goto(f"/o/{org.slug}/elections/{election.pk}/co-opt/")
    assert "2 seats to fill" in page.locator("main").inner_text()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the new page
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "co-option page with an error")
    page.get_by_label("Membership number").fill(str(member.number))
    page.get_by_role("button", name="Continue").click()
    assert member.display_name in page.locator("#confirm-co-option").inner_text()
    assert_accessible(page, "co-option confirmation")
    page.get_by_role("button", name=f"Co-opt {member.display_name}").click()
    assert "1 seat to fill" in page.locator("main").inner_text()
    assert OfficeTerm.objects.filter(election=election, member=member).exists()


def _password():
    from election_helpers import PASSWORD as election_password

    return election_password
