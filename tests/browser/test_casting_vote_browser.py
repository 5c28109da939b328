"""The chair's casting vote in a real browser on a phone (390x844), axe finding no violation of
any impact on each step: in a tied election (`elections.ties: chair-casting-vote`, the page
issue 20 added) the tied candidates are listed, choosing none is an error in the GOV.UK
pattern, the choice is confirmed by name, then given; on a tied show of hands at a meeting
(`meetings.chair_casting_vote`) the chair's console takes the casting vote with the figures."""

import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "elections"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "meetings"))
from election_helpers import PASSWORD, make_user  # noqa: E402
from meeting_helpers import found, make_members  # noqa: E402
from test_election_rulebook_fields import (  # noqa: E402
    NAMES,
    _election,
    _org,
    _poll,
    _to_withdrawals_closed,
)

from mutualise.audit.models import AuditEvent  # noqa: E402
from mutualise.meetings import services as meetings  # noqa: E402
from mutualise.meetings.models import Resolution  # noqa: E402
from mutualise.register import services as register  # noqa: E402
from mutualise.register.models import Role  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
# 3 seats, quota 8: Ann and Bob elected on first preferences (surpluses 2 and 1, in that order),
# then Cat and Dan tie on 5 for the last seat: one casting vote decides it.
ONE_TIE = [[1]] * 10 + [[2]] * 9 + [[3]] * 5 + [[4]] * 5


def _no_axe_violations(page, context):
    """Stricter than `assert_accessible` (serious and critical): none of any impact."""
    found = Axe().run(page).response["violations"]
    assert not found, f"axe on {context}: " + "; ".join(
        f"{v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes'][:3]]}" for v in found
    )


def test_the_chair_gives_a_casting_vote_on_a_phone(page, sign_in):  # page: 390x844
    with transaction.atomic():  # the election helpers write audited rows outside services
        org = _org("b-cast", ties="chair-casting-vote")
        election, drive, ro = _election(org, NAMES, voters=30)
        _to_withdrawals_closed(drive, ro)
        election = _poll(drive, ro, ONE_TIE)
        make_user(org, "chair-b", Role.Kind.CHAIR)
    pending = election.result["casting_pending"]
    assert pending["tied_names"] == ["Cat Cole", "Dan Dunn"]
    first, last = pending["tied_names"][0], pending["tied_names"][-1]

    sign_in("chair-b", PASSWORD)
    page.goto(f"/o/{org.slug}/elections/{election.pk}/casting-vote/")
    tied = page.get_by_role("group", name="These candidates are tied: which is to go on?")
    for name in pending["tied_names"]:
        assert tied.get_by_label(name).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _no_axe_violations(page, "the tied candidates")

    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the new page
    summary = page.get_by_role("alert")
    link = summary.get_by_role("link", name=f"Choose {' or '.join(pending['tied_names'])}")
    assert link.is_visible() and link.get_attribute("href") == "#candidate"
    _no_axe_violations(page, "the casting vote with no choice")

    tied.get_by_label(last).check()
    page.get_by_role("button", name="Continue").click()
    assert last in page.locator("#confirm-casting-vote").inner_text()
    assert first not in page.locator("#confirm-casting-vote").inner_text()
    _no_axe_violations(page, "the confirmation")
    assert not AuditEvent.objects.filter(action="election.casting_vote").exists()

    page.get_by_role("button", name="Give the casting vote").click()
    assert f"Casting vote given for {last}." in page.locator("main").inner_text()
    assert page.locator("#no-tie").is_visible()
    _no_axe_violations(page, "after the casting vote")
    assert AuditEvent.objects.filter(action="election.casting_vote").count() == 1
    election.refresh_from_db()
    assert "casting_pending" not in election.result
    assert election.result["casting_votes"] == [pending["tied_positions"][-1] - 1]


def test_the_chair_gives_a_casting_vote_on_a_tied_show_of_hands_on_a_phone(page, sign_in):
    org = found("nhs-foundation-trust", slug="b-hands")  # meetings.chair_casting_vote: true
    assert org.constitution.meetings.chair_casting_vote
    register.grant_role(
        org, get_user_model().objects.create_user("chair-h", password=PASSWORD), "chair"
    )
    members = make_members(org, 25)  # quorum: 20
    starts = timezone.now() - timedelta(minutes=5)
    meeting = meetings.create_meeting(org, kind="general", title="Tied", starts_at=starts)
    meetings.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    meetings.call_meeting(meeting, now=starts - timedelta(days=30))
    meetings.open_meeting(meeting, now=starts)
    meetings.check_in_many(meeting, members)
    meetings.open_vote(meeting.resolutions.get())

    sign_in("chair-h", PASSWORD)
    page.goto(f"/o/{org.slug}/meetings/{meeting.pk}/console/")
    hands = page.get_by_role("group", name="Show of hands on resolution 1")
    hands.get_by_label("For", exact=True).fill("5")
    hands.get_by_label("Against", exact=True).fill("5")
    hands.get_by_label("Chair's casting vote (only if the vote is tied)").select_option("for")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _no_axe_violations(page, "the console with a tied show of hands")
    page.get_by_role("button", name="Declare the result (1)").click()
    # The casting vote counts as one more for: 6 of 11.
    assert "Resolution 1: Carried: 6 of 11 votes cast were for" in page.locator("main").inner_text()
    _no_axe_violations(page, "the console after the casting vote")
    resolution = Resolution.objects.get(meeting=meeting)
    assert (resolution.casting_vote, resolution.carried) == ("for", True)
