"""Issue 19 at 390x844 with axe: the published constitution is a readable document (the
organisation's own name, the plain-English sections under headings) with the rulebook file to
download, and fits a phone (its versions table was 527 px wide); a word longer than the phone is
wide, typed into a meeting's title, wraps instead of widening the page."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mutualise.meetings import services as meetings
from mutualise.register import services as register

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "meetings"))
from meeting_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a phone"


def test_the_constitution_reads_as_a_document_and_fits_a_phone(page, assert_accessible):
    register.create_from_model(
        model="supporters-trust", name="Hartley Town Supporters' Trust", slug="hartley",
        actor="test",
    )  # fmt: skip
    page.set_default_timeout(30_000)  # the first page of a run, on a loaded machine
    page.goto("/o/hartley/constitution/")
    main = page.locator("main")
    expect(main).to_contain_text("The constitution of Hartley Town Supporters' Trust, version 1")
    expect(page.get_by_role("heading", name="Trust Board")).to_be_visible()
    expect(page.get_by_role("heading", name="Versions adopted")).to_be_visible()
    _fits(page)
    assert_accessible(page, "the constitution on a phone")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rulebook file (YAML, version 1)").click()
    assert download.value.suggested_filename == "hartley-rulebook-version-1.yaml"
    with open(download.value.path(), encoding="utf-8") as rulebook:
        assert "organisation:" in rulebook.read()


def test_a_word_longer_than_the_phone_wraps(page):
    org = found("co-operative-society", slug="coop")
    make_members(org, 3)
    meeting = meetings.create_meeting(
        org, kind="general", title="Special meeting on the " + "t" * 120, place="Village Hall",
        starts_at=timezone.now() + timedelta(days=60), actor="test",
    )  # fmt: skip
    meetings.call_meeting(meeting, actor="test")
    page.goto(f"/o/coop/meetings/{meeting.pk}/")
    expect(page.locator("h1")).to_contain_text("t" * 120)
    _fits(page)


def test_the_accountability_page_fits_a_phone(page, assert_accessible):
    """Its office holders' table (long seat names) was 469 px wide: the tables now scroll inside
    their own focusable box, not the page."""
    from django.db import transaction

    from mutualise.demo import bodies, partnership

    with transaction.atomic():
        info = partnership.load()
        bodies.seat_bodies(info.organisation)
    page.goto(f"/o/{partnership.SLUG}/accountability/")
    expect(page.get_by_role("region", name="Current office holders")).to_be_visible()
    _fits(page)
    assert_accessible(page, "the accountability page on a phone")


def test_the_register_and_the_reminders_fit_a_phone(page, sign_in, assert_accessible):
    """The secretary's register table was 537 px wide and the open reminders 593 px at 390."""
    from django.db import transaction

    from mutualise import demo
    from mutualise.demo import bodies, nhs_trust

    with transaction.atomic():
        info = nhs_trust.load()
        bodies.seat_bodies(info.organisation)
    page.set_default_timeout(30_000)
    sign_in("secretary", demo.PASSWORD)  # the trust's membership secretary
    for path, region in (("members/", "The register"), ("accountability/reminders/", None)):
        page.goto(f"/o/{nhs_trust.SLUG}/{path}")
        if region:
            expect(page.get_by_role("region", name=region)).to_be_visible()
        _fits(page)
        assert_accessible(page, f"{path} on a phone")
