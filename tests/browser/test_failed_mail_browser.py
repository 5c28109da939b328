"""The mail that did not get through, in Chromium: the membership secretary follows the link in
the officers' navigation, filters the list, and sends a bounced message again to a member's
corrected address (a wrong number first: the error summary). Each page is axe clean. Mail goes
through a real SMTP server (aiosmtpd) that refuses the member's old address."""

import pytest

from mutualise.demo import nhs_trust as demo
from mutualise.jobs.worker import run_queued
from mutualise.mail import services as mail
from mutualise.mail.models import Message, Status
from mutualise.register import services as register
from mutualise.register.models import Member

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretary_sends_a_bounced_message_again(page, sign_in, assert_accessible, smtp_server):
    info = demo.load()
    org = info.organisation
    member = Member.objects.filter(organisation=org).exclude(email="").order_by("number").first()
    old = member.email
    smtp_server.handler.refuse[old] = "550 5.1.1 no such user"
    message = mail.send(organisation=org, to=old, template="governance/reminder",
                        context={"reminder": {"title": "AGM due", "detail": "Call it"}},
                        reason="reminder")  # fmt: skip
    run_queued()
    message.refresh_from_db()
    assert message.status == Status.BOUNCED

    sign_in("secretary", demo.DEMO_PASSWORD)
    page.goto(f"/o/{org.slug}/")
    page.get_by_role("link", name="Mail that did not get through").click()
    assert page.get_by_role("heading", name="Mail that did not get through").is_visible()
    table = page.locator("#failed-mail")
    assert old in table.inner_text() and "Address refused" in table.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert_accessible(page, "the list of mail that did not get through")
    page.get_by_label("Show").select_option("unknown")
    page.get_by_role("button", name="Show").click()
    assert page.locator("#nothing-failed").inner_text() == "No mail in this state."
    page.get_by_label("Show").select_option("bounced")
    page.get_by_role("button", name="Show").click()

    register.update_details(member, email="corrected@example.org", actor="t")
    page.get_by_role("link", name="Send again").first.click()
    page.get_by_label("Membership number of the member it was for").fill("99999")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert "There is no member number 99999" in summary.inner_text()
    assert_accessible(page, "the resend form with an error")
    page.get_by_label("Membership number of the member it was for").fill(str(member.number))
    page.get_by_role("button", name="Continue").click()
    assert "corrected@example.org" in page.locator("#send-to").inner_text()
    assert_accessible(page, "confirming the resend")
    page.get_by_role("button", name="Send it again").click()
    assert "is sent again, to corrected@example.org" in page.content()
    assert "Sent again to corrected@example.org" in page.locator("#failed-mail").inner_text()
    run_queued()
    assert Message.objects.get(to="corrected@example.org").status == Status.SENT
