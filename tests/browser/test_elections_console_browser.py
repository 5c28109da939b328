"""Issue 19, the returning officer's new console pages in the browser, with axe on each: a
nomination form received on paper (with a mistake first), the live turnout while the poll is
open, and a replacement voting pack by post (find, confirm, a mistake, the PDF)."""

import re
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from pdf_codes import codes_in_pdf
from playwright.sync_api import expect

from mutualise.constitution.calendar import london
from mutualise.elections import clock, mixing, services
from mutualise.register import services as register
from mutualise.register.models import Role

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "elections"))
from election_helpers import CLOSE_OF_POLL, PASSWORD, Driver, make_members, nhs_rulebook  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
SEATS = "public-gateshead"


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


def _no_sideways_scroll(page, what):
    wider = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)"""
    )
    assert not wider, f"{what} scrolls sideways at {page.viewport_size['width']} px: {wider}"


def test_the_returning_officers_console_pages(page, monkeypatch, sign_in, assert_accessible):
    org = register.create_organisation(
        name="Example Tyneside Hospitals", constitution_text=nhs_rulebook(),
        source_name="nhs_foundation_trust.yaml", slug="tyneside", actor="test",
    )  # fmt: skip
    ro = get_user_model().objects.create_user("ro", password=PASSWORD)
    Role.objects.create(organisation=org, user=ro, kind=Role.Kind.RETURNING_OFFICER)
    fake = Clock(london(CLOSE_OF_POLL - timedelta(days=120), time(9)))
    monkeypatch.setattr(clock, "now", fake)
    monkeypatch.setattr(mixing, "after_cast", lambda election: None)  # mixed when we say
    election = services.create_election(
        org, body_id="council-of-governors", seat_group_id=SEATS, close_of_poll=CLOSE_OF_POLL,
        actor=ro,
    )  # fmt: skip
    drive = Driver(election, ro)
    drive.to_nominations()
    fake.moment = drive.nominating + timedelta(days=3)
    declare = list(org.constitution.body("council-of-governors").disqualifications)
    candidates = make_members(org, SEATS, 5, prefix="Candidate")
    for member in candidates[1:]:
        services.nominate(election, member, declarations=declare, actor="x")
    voters = make_members(org, SEATS, 50)
    lost = voters[7]
    lost.display_name = "Ivy Lostcard"
    lost.address = "1 High Street\nGateshead"
    lost.postcode = "NE8 1AA"
    lost.save()
    console = f"/o/{org.slug}/elections/{election.pk}/console/"

    sign_in("ro", PASSWORD)
    page.goto(console)
    page.get_by_role("link", name="Enter a nomination form received on paper").click()
    assert_accessible(page, "paper nomination form")
    _no_sideways_scroll(page, "paper nomination form")
    page.get_by_label("Candidate's membership number").fill(str(candidates[0].number))
    page.get_by_label("Name on the ballot paper").fill("Grace Hopper")
    page.get_by_label("Day the form was received").fill("2020-01-06")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Record the nomination").click()
    expect(page.get_by_text("before the notice of election").first).to_be_visible()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the new page
    assert_accessible(page, "paper nomination form with an error")
    page.get_by_label("Day the form was received").fill(drive.nominating.date().isoformat())
    page.get_by_role("button", name="Record the nomination").click()
    expect(page.get_by_text("The paper nomination of Grace Hopper is recorded")).to_be_visible()
    expect(page.get_by_role("cell", name="Grace Hopper")).to_be_visible()

    codes = drive.to_poll()
    fake.moment = drive.polling
    for member in voters[10:50]:
        services.cast(election, codes[member.pk], [1, 2])
    mixing.mix(election)
    page.goto(console)
    expect(page.get_by_role("heading", name="Turnout so far")).to_be_visible()
    expect(page.locator("#turnout-by-day")).to_contain_text("20")
    assert_accessible(page, "console with the turnout")
    _no_sideways_scroll(page, "console with the turnout")
    page.get_by_role("link", name="Refresh the turnout").click()
    expect(page.get_by_role("heading", name="Turnout so far")).to_be_visible()

    page.get_by_role("link", name="Send a voter a new voting code").click()
    assert_accessible(page, "find a voter")
    page.get_by_label("Membership number or name").fill("lostcard")
    page.get_by_role("button", name="Find the voter").click()
    assert_accessible(page, "voters found")
    page.get_by_role("link", name="Ivy Lostcard").click()
    expect(page.get_by_text("NE8 1AA")).to_be_visible()
    assert_accessible(page, "confirm a new voting code")
    _no_sideways_scroll(page, "confirm a new voting code")
    page.get_by_label("Post", exact=True).check()
    page.get_by_role("button", name="Void the old code and send a new one").click()
    expect(page.get_by_text("say why this voter needs a new voting code").first).to_be_visible()
    assert_accessible(page, "confirm a new voting code with an error")
    page.get_by_label("Post", exact=True).check()
    page.get_by_label(re.compile("Why does this voter need")).fill("poll card lost")
    with page.expect_download() as download:
        page.get_by_role("button", name="Void the old code and send a new one").click()
    (new,) = codes_in_pdf(Path(download.value.path()).read_bytes())
    assert new != codes[lost.pk]
    with pytest.raises(services.CodeRefused, match="replaced"):
        services.check_code(election, codes[lost.pk])
