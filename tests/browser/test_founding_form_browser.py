"""Issue 13 item 1 in Chromium at 390x844: the founding form takes the organisation's purpose
(its objects) and its web address, suggested from the name, refused at its field when it cannot
be used (badly formed, or another organisation's), and the organisation is founded there."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mutualise.register import services as register
from mutualise.register.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "founding-form-browser-2026"
NAME = "Riverside Wholefoods Co-operative Limited"
PURPOSE = "running a wholefood shop and a cafe for the mutual benefit of its members"


def test_the_founder_sets_the_purpose_and_the_web_address(page, sign_in, assert_accessible):
    register.create_from_model(
        model="housing-coop", name="Riverside Housing", slug="riverside", actor="test"
    )
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    sign_in("root", PASSWORD)
    page.goto("/organisations/new/co-operative-society/")
    page.locator("#s-organisation-name").fill(NAME)
    page.get_by_label("Its purpose (objects)").fill(PURPOSE)
    page.get_by_role("button", name="Check and read it again").click()
    address = page.get_by_label("Web address")
    hint = page.locator("#s-slug-hint")
    expect(hint).to_contain_text("riverside-wholefoods-co-operative-limited")  # from the name
    expect(page.get_by_text(f"whose purpose is {PURPOSE}")).to_be_visible()  # read back
    assert_accessible(page, "settings form, checked")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    for typed, says in (
        ("Riverside Shop!", "Use only lower-case letters"),
        ("riverside", "Another organisation already uses /o/riverside/"),
    ):
        address.fill(typed)
        page.get_by_role("button", name="Adopt this rulebook").click()
        expect(page.locator("#s-slug-error")).to_contain_text(says)
        expect(page.locator(".govuk-error-summary a[href='#s-slug']")).to_be_visible()
        assert_accessible(page, f"settings form, web address {typed!r} refused")
    assert Organisation.objects.count() == 1

    page.get_by_label("Web address").fill("riverside-wholefoods")
    page.get_by_role("button", name="Adopt this rulebook").click()
    expect(page.get_by_role("heading", name="Roles")).to_be_visible()
    assert page.url.endswith("/o/riverside-wholefoods/roles/")
    founded = Organisation.objects.get(slug="riverside-wholefoods")
    assert founded.constitution.organisation.purpose == PURPOSE
