"""The web shell in a real browser: the organisation's own name, plain-English constitution,
sign in and out, and no serious accessibility problem on any of it."""

import pytest

from mutualise.demo import nhs_trust as demo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_org():
    return demo.load()


def test_organisation_page_explains_its_constitution(page, demo_org, assert_accessible):
    page.goto("/")
    assert_accessible(page, "home")
    page.get_by_role("link", name=demo.DEMO_NAME).click()
    assert page.locator("header").inner_text().strip().startswith(demo.DEMO_NAME)
    body = page.locator("main").inner_text()
    assert "How " in body and "constitution" in body.lower()
    assert "governors" in body.lower()
    assert_accessible(page, "organisation page")
    page.get_by_role("link", name="published in full").click()
    assert page.get_by_role("heading", name="Constitution").is_visible()
    assert "organisation:" in page.locator("pre").inner_text()
    assert_accessible(page, "constitution page")


def test_sign_in_and_out(page, demo_org, sign_in, assert_accessible):
    page.goto("/accounts/login/")
    assert_accessible(page, "sign-in form")
    page.get_by_label("Username").fill("secretary")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, "sign-in error")
    sign_in("secretary", demo.DEMO_PASSWORD)
    page.goto(f"/o/{demo.DEMO_SLUG}/")
    assert page.get_by_role("button", name="Sign out (secretary)").is_visible()
    # On a phone the menu is folded behind its toggle.
    menu = page.get_by_role("navigation", name="Menu")
    assert not menu.get_by_role("link", name="Elections", exact=True).is_visible()
    page.get_by_role("button", name="Menu").click()
    assert menu.get_by_role("link", name="Elections", exact=True).is_visible()
    assert_accessible(page, "menu open")
    page.get_by_role("button", name="Sign out (secretary)").click()
    assert page.get_by_role("link", name="Sign in").is_visible()


def test_no_gov_uk_crown_or_transport_font(page, demo_org):
    page.goto(f"/o/{demo.DEMO_SLUG}/")
    assert page.locator("svg.govuk-header__logotype").count() == 0
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in font
