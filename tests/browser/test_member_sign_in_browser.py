"""A member claims their sign-in from the e-mailed link, signs in, sees their membership,
forgets their password, resets it from the mailed link and signs in with the new one: in
Chromium at 390x844, axe on every page. Mail is read from what was sent."""

import re
from datetime import date

import pytest
from django.core import mail

from mutualise.jobs.worker import run_queued
from mutualise.register import services as register

pytestmark = pytest.mark.django_db(transaction=True)
FIRST, SECOND = "first long passphrase", "second long passphrase"


@pytest.fixture
def pat():
    coop = register.create_from_model(
        model="co-operative-society", name="Riverside Wholefoods", slug="riverside", actor="test"
    )
    member = register.join(
        coop,
        display_name="Pat Jones",
        date_of_birth=date(1980, 5, 17),
        email="pat@example.org",
        address="1 High Street",
        postcode="NE1 4ST",
        attestations=["supports-objects"],
        actor="test",
    )
    return register.admit(member, actor="test")


def _path_in_last_mail(to: str, pattern: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    found = re.search(pattern, message.body)
    assert found, message.body
    return found.group(1)


def test_a_member_claims_signs_in_resets_and_signs_in_again(page, pat, assert_accessible):
    slug = pat.organisation.slug
    page.goto("/accounts/login/")
    assert_accessible(page, "sign-in page")

    # Claim: a wrong entry first, then the right one.
    page.goto(f"/o/{slug}/sign-in/claim/")
    assert_accessible(page, "claim form")
    page.get_by_role("button", name="Send me a link").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "claim form with errors")
    page.get_by_label("Membership number").fill(str(pat.number))
    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("1980")
    page.get_by_label("Postcode").fill("ne1 4st")
    page.get_by_role("button", name="Send me a link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(page, "claim sent")
    assert run_queued() == 1  # the worker checks the claim and mails the link
    link = _path_in_last_mail("pat@example.org", r"(/accounts/membership-invitations/\S+/)")

    # The link: make the sign-in, and land on the membership.
    page.goto(link)
    page.get_by_role("heading", name="Make your sign-in").wait_for()
    assert_accessible(page, "make your sign-in")
    page.get_by_label("Choose a password").fill(FIRST)
    page.get_by_label("Type the password again").fill(FIRST)
    page.get_by_role("button", name="Make my sign-in").click()
    page.get_by_role("heading", name="Your membership").wait_for()
    main = page.locator("main").inner_text()
    assert "Pat Jones" in main and str(pat.number) in main and "NE1 4ST" in main
    assert_accessible(page, "membership page")
    page.get_by_role("link", name="Change name").click()
    page.get_by_role("heading", name="Change your name").wait_for()
    assert_accessible(page, "change of name")
    page.goto(f"/o/{slug}/membership/resign/")
    assert_accessible(page, "resign confirmation")

    # Sign out, forget the password, reset it from the mailed link.
    page.goto(f"/o/{slug}/membership/")
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_role("heading", name="Reset your password").wait_for()
    assert_accessible(page, "reset form")
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_role("button", name="Send me a link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(page, "reset sent")
    reset = _path_in_last_mail("pat@example.org", r"(/accounts/reset/\S+/\S+/)")
    page.goto(reset)
    page.get_by_role("heading", name="Choose a new password").wait_for()
    assert_accessible(page, "choose a new password")
    page.get_by_label("New password", exact=True).fill(SECOND)
    page.get_by_label("Type the new password again").fill(SECOND)
    page.get_by_role("button", name="Change my password").click()
    page.get_by_role("heading", name="Password changed").wait_for()
    assert_accessible(page, "password changed")

    # The old password no longer works; the new one lands on the membership page.
    page.get_by_role("link", name="Sign in with your new password").click()
    page.get_by_label("Username").fill("pat@example.org")
    page.get_by_label("Password").fill(FIRST)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Password").fill(SECOND)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your membership").wait_for()
    assert page.url.endswith(f"/o/{slug}/membership/")
