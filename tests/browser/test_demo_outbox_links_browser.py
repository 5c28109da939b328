"""A newcomer follows an invitation in the demo from the browser alone: the demo administrator
invites a secretary, opens the outbox, follows the link it shows (demo installs only), is told
plainly that the invitation is not theirs to accept while signed in as themself, signs out from
that page and makes the invited person's sign-in. axe on every page; phone size (390x844)."""

import pytest
from playwright.sync_api import expect

from mutualise.demo import nhs_trust as demo
from mutualise.register.models import Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_demo_outbox_link_takes_a_newcomer_through_an_invitation(
    page, sign_in, assert_accessible, live_server, settings
):
    settings.MUTUALISE_SITE_URL = live_server.url  # as `mutualise demo` sets it to its own address
    info = demo.load()
    slug = info.organisation.slug
    sign_in("admin", demo.DEMO_PASSWORD)
    page.goto(f"/o/{slug}/roles/")
    page.get_by_label("Their email address").fill("newcomer@example.org")
    page.get_by_label("Membership secretary", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to newcomer@example.org")).to_be_visible()

    page.goto(f"/o/{slug}/outbox/")
    assert_accessible(page, "the outbox with an invitation's link")
    page.get_by_role("link", name="Follow the link sent to newcomer@example.org").click()
    expect(page.get_by_role("heading", name="You cannot accept this invitation")).to_be_visible()
    expect(page.get_by_role("button", name="Accept the invitation")).to_have_count(0)
    assert_accessible(page, "an invitation refused to another sign-in")

    page.get_by_role("button", name="Sign out and come back here").click()
    expect(page.get_by_role("heading", name="Make your sign-in")).to_be_visible()
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Choose a password").fill("tidal quartz meadow lantern")
    page.get_by_label("Type the password again").fill("tidal quartz meadow lantern")
    page.get_by_role("button", name="Make my sign-in and accept").click()
    page.wait_for_load_state()
    assert Role.objects.filter(
        organisation=info.organisation, user__username="newcomer@example.org", kind="officer"
    ).exists()
