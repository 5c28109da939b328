"""The demo in a real browser, axe on every page: for each of the twelve demo organisations its
public home page, its officer's sign-in and something-to-do-now page, and its member's view on a
phone (390x844); then, with the demo clock alone, the NHS trust's governor election from notice of
election to declared result and the co-operative's AGM from notice to approved minutes (in that
order: the clock only moves forward, and the AGM falls after the election's close of poll).

The demo loads once for the module, into the test database, served by one live server: the
journeys share it, as a newcomer's browser shares one `make demo`. The database is emptied at
the end, as the transactional tests leave it.
"""

import re
import sys
from pathlib import Path

import phone_crawl
import pytest
from demo_site import sign_in
from pdf_codes import codes_in_pdf
from playwright.sync_api import expect

from mutualise import demo
from mutualise.demo import cooperative_society, nhs_trust
from mutualise.elections.models import Election
from mutualise.jobs.worker import run_queued
from mutualise.meetings.models import Meeting
from mutualise.register.models import Member

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from two_factor import current_code  # noqa: E402

SLUGS = [module.SLUG for module in demo.ORGANISATIONS]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def open_page(browser, demo_site):
    """open_page(viewport) -> a fresh page (its own cookies) on the demo's live server."""
    url, _ = demo_site
    contexts = []

    def _open(viewport=DESKTOP):
        context = browser.new_context(base_url=url, viewport=viewport, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _open
    for context in contexts:
        context.close()


def visit(page, path, assert_accessible, what):
    response = page.goto(path)
    assert response.status < 400, f"{what}: {path} answered {response.status}"
    assert_accessible(page, what)
    return page.locator("main").inner_text()


# First, while the demo is as loaded: the clock moves below change what the pages show.
@pytest.mark.parametrize("who, username", phone_crawl.WHO)
def test_every_page_fits_a_phone(who, username, demo_site, browser):
    phone_crawl.every_page_fits_a_phone(who, username, demo_site, browser)


@pytest.mark.parametrize("slug", SLUGS)
def test_each_demo_organisation_in_the_browser(slug, demo_site, open_page, assert_accessible):
    _, loaded = demo_site
    info = loaded.get(slug)
    org = f"/o/{slug}/"

    public = open_page()
    text = visit(public, org, assert_accessible, f"{slug}: public home page")
    assert info.organisation.name in public.locator("header").inner_text()
    assert text.strip()

    officer = open_page()
    sign_in(officer, info.officer_user)
    visit(officer, org + info.todo_path, assert_accessible, f"{slug}: something to do now")

    member = open_page(PHONE)
    sign_in(member, info.member_user)
    text = visit(member, org + "membership/", assert_accessible, f"{slug}: my membership")
    assert "Member" in text or "member" in text
    visit(
        member,
        org + info.todo_path.removesuffix("console/"),
        assert_accessible,
        f"{slug}: the member's view of what is on now",
    )
    width = member.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{slug}: the member's page scrolls sideways ({width}px)"


def _move_clock(page, label, assert_accessible=None):
    """On the demo clock page, go to the next deadline whose label contains `label`."""
    page.goto("/demo/clock/")
    if assert_accessible:
        assert_accessible(page, "demo clock")
    page.locator("li").filter(has_text=label).first.get_by_role("button").click()
    expect(page.get_by_text("The demo clock now says")).to_be_visible()
    expect(page.locator("#demo-clock")).to_be_visible()


def test_the_trust_governor_election_from_notice_to_result(demo_site, open_page, assert_accessible):
    election = Election.objects.get(
        organisation__slug=nhs_trust.SLUG, seat_group_id="public-north-tyneside"
    )
    base = f"/o/{nhs_trust.SLUG}/elections/{election.pk}/"

    nominee = open_page(PHONE)  # a member stands, on her phone
    sign_in(nominee, nhs_trust.NOMINEE_USER)
    nominee.goto(base)
    nominee.get_by_role("link", name="Stand for election").click()
    assert_accessible(nominee, "nomination form")
    nominee.get_by_label("Your election statement").fill("A hospital that listens to Whitley Bay.")
    for box in nominee.get_by_role("checkbox").all():
        box.check()
    nominee.get_by_role("button", name="Submit my nomination").click()
    expect(nominee.get_by_text("Your nomination has been received")).to_be_visible()
    ballot_name = Member.objects.get(user__username=nhs_trust.NOMINEE_USER).display_name

    ro = open_page()
    sign_in(ro, "returning-officer")
    console = base + "console/"
    _move_clock(ro, "nominations close: Council of Governors: Public constituency - North",
                assert_accessible)  # fmt: skip
    ro.goto(console)
    ro.get_by_role("button", name=re.compile("Close nominations")).click()
    ro.get_by_role("button", name="Freeze the roll from the register").click()
    expect(ro.get_by_text("The roll is frozen: 60 voters")).to_be_visible()
    assert_accessible(ro, "console with the roll frozen, the demo clock ahead")
    _move_clock(ro, "withdraw")
    ro.goto(console)
    ro.get_by_role("button", name="Close withdrawals").click()
    # The poll cards are the worker's job (make demo runs `mutualise worker` beside the server).
    ro.get_by_role("button", name=re.compile("Issue voting codes")).click()
    assert "/jobs/" in ro.url
    assert run_queued() >= 1  # the poll cards, and the daily jobs of the days the clock skipped
    ro.reload()
    with ro.expect_download() as download:
        ro.get_by_role("link", name=re.compile("Download election-")).click()
    codes = codes_in_pdf(Path(download.value.path()).read_bytes())
    assert len(codes) >= 3  # printed in member-number order
    ro.goto(console)
    ro.get_by_role("button", name="Open the poll").click()
    expect(ro.get_by_text("Done: Open the poll")).to_be_visible()

    voter = open_page(PHONE)
    for k, code in enumerate(codes[:3]):
        voter.goto(base)
        voter.get_by_role("link", name="Vote").click()
        voter.get_by_label("Voting code").fill(code)
        voter.get_by_role("button", name="Continue").click()
        voter.get_by_label(ballot_name, exact=True).fill("1")
        voter.get_by_label("Nadia Osei", exact=True).fill("2" if k else "1")
        if k == 0:
            voter.get_by_label(ballot_name, exact=True).fill("2")
            assert_accessible(voter, "ballot")
        voter.get_by_role("button", name="Continue").click()
        voter.get_by_role("button", name="Cast my vote").click()
        expect(voter.locator("#receipt")).to_be_visible()
    assert_accessible(voter, "receipt")

    _move_clock(ro, "the poll closes: Council of Governors: Public constituency - North")
    ro.goto(console)
    ro.get_by_role("button", name="Close the poll").click()
    ro.get_by_role("button", name="Count the votes").click()
    assert "/jobs/" in ro.url  # the count runs in the worker
    assert run_queued() >= 1  # the count, and the daily jobs of the days the clock skipped
    ro.goto(console)
    ro.get_by_role("button", name="Declare the result").click()
    text = visit(ro, base + "results/", assert_accessible, "declared result")
    elected = ro.locator("#elected").inner_text()
    assert ballot_name in elected and "Nadia Osei" in elected, text


def test_the_cooperative_agm_from_notice_to_approved_minutes(
    demo_site, open_page, assert_accessible
):
    slug = cooperative_society.SLUG
    agm = Meeting.objects.get(organisation__slug=slug, kind="agm")
    later = Meeting.objects.get(organisation__slug=slug, kind="general")
    numbers = list(
        Member.objects.filter(organisation__slug=slug).order_by("number")
        .values_list("number", flat=True)[:8]
    )  # fmt: skip  # quorum: the greater of 3 and a quarter of 30 members
    chair = open_page()
    sign_in(chair, "coop-chair")

    def run(meeting, label):
        _move_clock(chair, label)
        chair.goto(f"/o/{slug}/meetings/{meeting.pk}/console/")
        chair.get_by_role("button", name="Open the meeting").click()
        for number in numbers:  # find the member, see their name, then check them in
            chair.get_by_label("Membership number").fill(str(number))
            chair.get_by_role("button", name="Find the member").click()
            chair.locator("#confirm-check-in").get_by_role("button", name="Check in").click()
        expect(chair.locator("#quorum")).to_contain_text("Quorate")

    name = agm.organisation.name
    run(agm, f"{agm.title} starts, {name}")
    assert_accessible(chair, "AGM console in session")
    for resolution in agm.resolutions.order_by("number"):
        chair.get_by_role("button", name=f"Open the vote ({resolution.number})").click()
        form = chair.locator("form").filter(has=chair.get_by_role(
            "button", name=f"Declare the result ({resolution.number})"))  # fmt: skip
        form.get_by_label("For", exact=True).fill("7")
        form.get_by_label("Against", exact=True).fill("1")
        form.get_by_label("Abstain", exact=True).fill("0")
        form.get_by_role("button", name=f"Declare the result ({resolution.number})").click()
        expect(chair.get_by_text("7 for, 1 against, 0 abstaining").first).to_be_visible()
    chair.get_by_role("button", name="Close the meeting").click()
    expect(chair.get_by_text("Done: close the meeting")).to_be_visible()

    run(later, f"{later.title} starts, {name}")
    chair.get_by_role("button", name=f"Approve the minutes of {agm.title}").click()
    expect(chair.get_by_text(f"Minutes of {agm.title} approved.")).to_be_visible()
    assert_accessible(chair, "approving the AGM's minutes")
    chair.get_by_role("button", name=f"Publish the minutes of {agm.title}").click()
    expect(chair.get_by_text(f"Minutes of {agm.title} published.")).to_be_visible()

    member = open_page(PHONE)
    sign_in(member, cooperative_society.MEMBER_USER)
    text = visit(member, f"/o/{slug}/meetings/{agm.pk}/", assert_accessible, "AGM with minutes")
    assert "Minutes" in text and "7 for, 1 against" in text


def test_the_demo_administrator_founds_the_thirteenth_model_and_staffs_it(
    demo_site, open_page, assert_accessible, settings
):
    """Setting up from a model in the browser (the accounts app's founding pages): the one
    shipped model the demo has no organisation for, a community benefit society, is founded by
    the demo administrator, who invites its secretary; she accepts from the mailed link."""
    from django.core import mail

    settings.MUTUALISE_SITE_URL = demo_site[0]  # as `mutualise demo` sets it to its own address

    name = "Ashby Arms Community Pub Limited"
    admin = open_page()
    sign_in(admin, demo.ADMIN_USER)
    admin.goto("/")
    admin.get_by_role("link", name="Set up a new organisation").click()
    admin.get_by_label("Community benefit society with the statutory asset lock").check()
    admin.get_by_role("button", name="Continue").click()
    admin.locator("#s-organisation-name").fill(name)
    admin.get_by_role("button", name="Check and read it again").click()
    expect(admin.get_by_text("has no problems")).to_be_visible()
    assert_accessible(admin, "founding: the settings form")
    admin.get_by_role("button", name="Adopt this rulebook").click()
    expect(admin.get_by_role("heading", name="Roles")).to_be_visible()
    admin.get_by_label("Their email address").fill("landlady@example.org")
    admin.get_by_label("Membership secretary", exact=True).check()
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.get_by_text("Invitation sent to landlady@example.org")).to_be_visible()
    assert_accessible(admin, "founding: the roles page")

    message = next(m for m in reversed(mail.outbox) if m.to == ["landlady@example.org"])
    link = re.search(r"https?://\S+/accounts/invitations/[^/\s]+/", message.body).group(0)
    secretary = open_page(PHONE)
    secretary.goto(link)
    secretary.get_by_label("Your name").fill("Lou Landlady")
    secretary.get_by_label("Choose a password").fill(demo.PASSWORD)
    secretary.get_by_label("Type the password again").fill(demo.PASSWORD)
    secretary.get_by_role("button", name="Make my sign-in and accept").click()
    secretary.wait_for_load_state()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="landlady@example.org")
    secretary.get_by_label("Code from your app").fill(current_code(user))
    secretary.get_by_role("button", name="Continue").click()
    expect(secretary.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    assert_accessible(secretary, "the new secretary's register, on a phone")
