"""The 403 page on a phone, as a member meets it: it says what happened and what they are in the
organisation, links to their own membership, and "Sign in as someone else" signs them out and
brings them to the sign-in page on the way back to the page they were refused. axe, 390x844,
no sideways scrolling."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mutualise.register import services as register

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-42"


def test_a_member_refused_the_register_is_told_why_and_where_to_go(
    page, sign_in, assert_accessible
):
    coop = register.create_from_model(
        model="housing-coop", name="Canalside Housing Co-op", slug="canalside", actor="test"
    )
    user = get_user_model().objects.create_user("pat", password=PASSWORD, first_name="Pat")
    joined = register.join(
        coop, display_name="Pat Lee", date_of_birth=date(1980, 5, 17), email="pat@example.org",
        postcode="NE1 4ST", address="1 High Street", attestations=["tenant-or-applicant"],
        user=user, actor="test",
    )  # fmt: skip
    register.admit(joined, actor="test")
    sign_in("pat", PASSWORD)
    response = page.goto("/o/canalside/members/")
    assert response.status == 403
    main = page.locator("main")
    expect(main).to_contain_text("Only the membership secretary can see the register.")
    expect(main).to_contain_text("In Canalside Housing Co-op you are a member")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "the 403 page on a phone")
    page.get_by_role("button", name="Sign in as someone else").click()
    expect(page.get_by_label("Username")).to_be_visible()
    assert "next=/o/canalside/members/" in page.url.replace("%2F", "/")
    page.goto("/o/canalside/members/")  # signed out now: the sign-in page, not a 403
    assert "/accounts/login/" in page.url
    sign_in("pat", PASSWORD)
    page.goto("/o/canalside/members/")
    page.get_by_role("link", name="See your membership").click()
    expect(page.get_by_role("heading", name="Your membership")).to_be_visible()
