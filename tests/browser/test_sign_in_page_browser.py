"""Issue 13 in Chromium at 390x844: the sign-in page asks for the email address (or username),
axe finds nothing serious, and a member invited by email signs in with it as they type it."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "sign-in-page-browser-2026"


def test_a_member_signs_in_with_their_email_address(page, assert_accessible):
    get_user_model().objects.create_user("pat@example.org", "pat@example.org", PASSWORD)
    page.goto("/accounts/login/")
    field = page.get_by_label("Email address or username", exact=True)
    expect(field).to_have_attribute("autocomplete", "username")
    assert_accessible(page, "sign-in page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    field.fill("Pat@Example.org")  # a phone capitalises the first letter
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the email address")
    assert_accessible(page, "sign-in page with an error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(
        page.get_by_role("button", name="Sign out")
        .or_(page.get_by_role("link", name="Sign out"))
        .first
    ).to_be_visible()
