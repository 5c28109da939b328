"""A whole election driven through the browser, on a phone-sized screen, with axe on every
kind of page: set up, timetable steps, a self-nomination, the roll, poll cards, voting (with a
mistake), closing, counting, the result and a receipt look-up."""

import re
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from pdf_codes import codes_in_pdf
from playwright.sync_api import expect

from mutualise.constitution.calendar import london
from mutualise.elections import clock, services
from mutualise.elections.models import Election
from mutualise.register import services as register
from mutualise.register.models import Role

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "elections"))
from election_helpers import CLOSE_OF_POLL, PASSWORD, make_members, nhs_rulebook  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture
def tyneside(monkeypatch):
    org = register.create_organisation(
        name="Example Tyneside Hospitals",
        constitution_text=nhs_rulebook(),
        source_name="nhs_foundation_trust.yaml",
        slug="tyneside",
        actor="test",
    )
    users = get_user_model().objects
    ro = users.create_user("ro", password=PASSWORD)
    Role.objects.create(organisation=org, user=ro, kind=Role.Kind.RETURNING_OFFICER)
    fake = Clock(london(CLOSE_OF_POLL - timedelta(days=90), time(9)))
    monkeypatch.setattr(clock, "now", fake)
    return org, fake


def test_a_whole_election_in_the_browser(page, tyneside, sign_in, assert_accessible):
    org, fake = tyneside
    base = f"/o/{org.slug}/elections/"
    sign_in("ro", PASSWORD)
    page.goto(base)
    assert_accessible(page, "elections list")
    page.get_by_role("link", name="Set up an election").click()
    page.get_by_label("Seats to elect").select_option("council-of-governors/public-gateshead")
    page.get_by_label("Day the poll closes").fill("2027-06-19")  # a Saturday
    page.get_by_role("button", name="Create the election").click()
    expect(page.get_by_text("not a working day").first).to_be_visible()
    assert_accessible(page, "set-up form with an error")
    page.get_by_label("Day the poll closes").fill(CLOSE_OF_POLL.isoformat())
    page.get_by_role("button", name="Create the election").click()
    election = Election.objects.get()
    table = services.timetable(election)
    expect(page.get_by_role("rowheader", name="Notice of election")).to_be_visible()
    assert_accessible(page, "console in draft")

    page.get_by_role("button", name="Publish the notice of election").click()
    fake.moment = table.notice_of_election + timedelta(hours=1)
    page.get_by_role("button", name="Open nominations").click()
    close = page.get_by_role("button", name=re.compile("Close nominations"))
    expect(close).to_be_disabled()
    expect(page.get_by_text("Not yet: nominations stay open until")).to_be_visible()
    assert_accessible(page, "console with a disabled step")

    # A member nominates herself through the site; four others are nominated by officers.
    (hopeful,) = make_members(org, "public-gateshead", 1, prefix="Grace")
    hopeful.user = get_user_model().objects.create_user("grace", password=PASSWORD)
    hopeful.display_name = "Grace Hopper"
    hopeful.save()
    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in("grace", PASSWORD)
    page.goto(f"{base}{election.pk}/")
    page.get_by_role("link", name="Stand for election").click()
    assert_accessible(page, "nomination form")
    page.get_by_label("Your election statement").fill("I will make the hospital's data work.")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Submit my nomination").click()
    expect(page.get_by_text("Your nomination has been received")).to_be_visible()
    declare = list(org.constitution.body("council-of-governors").disqualifications)
    for member, name in zip(
        make_members(org, "public-gateshead", 4, prefix="Other"),
        ["Alan Turing", "Edsger Dijkstra", "Barbara Liskov", "Ada Lovelace"],
        strict=True,
    ):
        services.nominate(election, member, ballot_name=name, declarations=declare, actor="x")
    make_members(org, "public-gateshead", 3)  # voters
    page.get_by_role("button", name=re.compile("Sign out")).click()

    sign_in("ro", PASSWORD)
    console = f"{base}{election.pk}/console/"
    fake.moment = table.nominations_close + timedelta(minutes=1)
    page.goto(console)
    page.get_by_role("button", name=re.compile("Close nominations")).click()
    page.get_by_role("button", name="Freeze the roll from the register").click()
    expect(page.get_by_text("The roll is frozen: 8 voters")).to_be_visible()
    fake.moment = table.withdrawals_close + timedelta(minutes=1)
    page.goto(console)
    page.get_by_role("button", name="Close withdrawals").click()
    # The poll cards are the worker's job: its page shows the bar, then the PDF to download.
    page.get_by_role("button", name=re.compile("Issue voting codes")).click()
    assert "/jobs/" in page.url and page.locator("progress").count() == 1
    assert_accessible(page, "poll cards job waiting")
    from mutualise.jobs.worker import run_queued

    assert run_queued() == 1  # what `mutualise worker` does
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download election-")).click()
    assert_accessible(page, "poll cards job done")
    codes = codes_in_pdf(Path(download.value.path()).read_bytes())
    assert len(codes) == 8
    page.goto(console)
    page.get_by_role("button", name="Open the poll").click()
    expect(page.get_by_text("Done: Open the poll")).to_be_visible()
    assert_accessible(page, "console with the poll open")
    page.get_by_role("button", name=re.compile("Sign out")).click()

    # Voting: codes were printed in member-number order, so the voters' are the last three.
    fake.moment = table.close_of_poll - timedelta(hours=3)
    receipts = []
    for k, code in enumerate(codes[-3:]):
        page.goto(f"{base}{election.pk}/")
        page.get_by_role("link", name="Vote").click()
        page.get_by_label("Voting code").fill(code.lower().replace("-", " "))
        page.get_by_role("button", name="Continue").click()
        if k == 0:
            assert_accessible(page, "ballot")
            page.get_by_label("Grace Hopper").fill("1")
            page.get_by_label("Alan Turing").fill("3")
            page.get_by_role("button", name="Continue").click()
            expect(page.get_by_text("You skipped 2").first).to_be_visible()
            assert_accessible(page, "ballot with a gap")
        page.get_by_label("Grace Hopper").fill("1")
        page.get_by_label("Alan Turing").fill("2")
        page.get_by_label("Barbara Liskov").fill("")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Check your vote")).to_be_visible()
        if k == 0:
            assert_accessible(page, "check your vote")
        page.get_by_role("button", name="Cast my vote").click()
        receipts.append(page.locator("#receipt").inner_text())
        if k == 0:
            assert_accessible(page, "receipt")
    assert len(set(receipts)) == 3

    sign_in("ro", PASSWORD)
    fake.moment = table.close_of_poll + timedelta(minutes=1)
    page.goto(console)
    page.get_by_role("button", name="Close the poll").click()
    page.get_by_role("button", name="Count the votes").click()
    assert "/jobs/" in page.url  # the count runs in the worker
    assert run_queued() == 1
    page.goto(console)
    page.get_by_role("button", name="Declare the result").click()
    page.goto(f"{base}{election.pk}/results/")
    assert "Grace Hopper" in page.locator("#elected").inner_text()
    assert page.locator("svg").count() >= 1
    assert_accessible(page, "results")
    page.goto(f"{base}{election.pk}/receipt/")
    page.get_by_label("Receipt").fill(receipts[0])
    page.get_by_role("button", name="Check").click()
    # By default a receipt proves inclusion, never the ballot's contents (no vote can be sold).
    expect(page.get_by_text("Your ballot is in the count")).to_be_visible()
    assert page.locator("#found-marks").count() == 0
    assert_accessible(page, "receipt look-up")
