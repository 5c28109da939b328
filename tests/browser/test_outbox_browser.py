"""The demo's outbox page in Chromium at phone size: the secretary opens a message's body; the
page is axe clean and runs under the Content Security Policy."""

import pytest
from test_csp import COLLECT

from mutualise.demo import nhs_trust as demo
from mutualise.mail import services as mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_secretary_reads_the_mail_sent(page, sign_in, assert_accessible):
    info = demo.load()
    mail.send(
        organisation=info.organisation,
        to="ann.member@example.org",
        template="elections/voting_code",
        context={"name": "Ann Member", "election": {"title": "Governors 2026"}, "vote_url": "u"},
        secrets={"code": "NOT-KEPT"},
        reason="voting-code",
    )
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(COLLECT)
    sign_in("secretary", demo.DEMO_PASSWORD)
    page.goto(f"/o/{info.organisation.slug}/outbox/")
    assert page.get_by_role("heading", name="Your voting code: Governors 2026").is_visible()
    page.locator(".govuk-details__summary").first.click()
    body = page.locator(".mutualise-mail-body").first
    assert "Dear Ann Member," in body.inner_text() and "NOT-KEPT" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert_accessible(page, "the outbox with a message open")
    violations = page.evaluate("window.__csp") + [m for m in console if "Content Security" in m]
    assert violations == []
