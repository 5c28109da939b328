"""Issue 13's first steps in Chromium, in the browser alone: a system administrator sets up a
new co-operative from its model (the settings form, then the rulebook editor showing a problem
at its line), invites a membership secretary and a returning officer, each accepts from the link
in the mail that was sent, makes their sign-in and its second factor, and sees their officer
pages. axe on every page; the invitees' and members' pages at 390x844 (the `page` fixture)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from mutualise.register.models import Organisation, Role

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "org-setup-browser-2026"
NAME = "Riverside Wholefoods Co-operative Limited"


def _link_in_last_mail(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    match = re.search(r"https?://\S+/accounts/invitations/[^/\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def _fits_a_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def _second_factor(page, username):
    from two_factor import current_code

    expect(page).to_have_url(re.compile("/accounts/two-factor/"))
    user = get_user_model().objects.get(username=username)
    page.get_by_label("Code from your app").fill(current_code(user))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def _accept(browser, live_server, link, *, name, assert_accessible):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(link)
    expect(page.get_by_role("heading", name=re.compile("^Become "))).to_be_visible()
    assert_accessible(page, "invitation")
    _fits_a_phone(page)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Choose a password").fill("short")
    page.get_by_label("Type the password again").fill("short")
    page.get_by_role("button", name="Make my sign-in and accept").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "invitation, password refused")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Make my sign-in and accept").click()
    page.wait_for_load_state()
    return context, page


def test_a_system_administrator_sets_up_a_coop_and_staffs_it(
    browser, live_server, desktop_page, sign_in, assert_accessible
):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    admin = desktop_page
    sign_in("root", PASSWORD, target=admin)

    admin.goto("/")
    admin.get_by_role("link", name="Set up a new organisation").click()
    expect(admin.get_by_role("heading", name="Set up an organisation")).to_be_visible()
    assert_accessible(admin, "choose a model")
    admin.get_by_label("Co-operative society on model rules").check()
    admin.get_by_role("button", name="Continue").click()

    # The settings form, with the model's rulebook in plain English below it.
    expect(admin.get_by_role("heading", name="What its rulebook says")).to_be_visible()
    assert_accessible(admin, "settings form")
    admin.locator("#s-organisation-name").fill(NAME)
    admin.locator("#s-bodies-0-seats-0-seats").fill("8")  # 8 + 2 no longer make 9
    admin.get_by_role("button", name="Check and read it again").click()
    summary = admin.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert_accessible(admin, "settings form with a problem")
    admin.locator("#s-bodies-0-seats-0-seats").fill("7")
    admin.get_by_role("button", name="Check and read it again").click()
    expect(admin.get_by_text("has no problems")).to_be_visible()
    expect(admin.get_by_text(NAME).first).to_be_visible()

    # On to the text itself: a mistake is shown at its line, and nothing is saved.
    admin.get_by_role("button", name="Edit the rulebook's text").click()
    expect(admin.get_by_role("heading", name="Edit the rulebook")).to_be_visible()
    assert_accessible(admin, "rulebook editor")
    box = admin.get_by_label(re.compile(r"^The rulebook \("))
    text = box.input_value()
    assert f"name: {NAME}" in text
    line = text.splitlines().index("  admission_by_board: true") + 1
    box.fill(text.replace("  admission_by_board: true", "  admission_by_bored: true"))
    admin.get_by_role("button", name="Adopt this rulebook").click()
    expect(
        admin.get_by_role("heading", name=f"Line {line}: membership.admission_by_bored")
    ).to_be_visible()
    expect(admin.locator("mark").first).to_be_visible()
    assert_accessible(admin, "rulebook editor with a problem")
    assert not Organisation.objects.exists()
    box = admin.get_by_label(re.compile(r"^The rulebook \("))
    box.fill(box.input_value().replace("admission_by_bored", "admission_by_board"))
    admin.get_by_role("button", name="Adopt this rulebook").click()

    # Adopted: the founder is its administrator, on the roles page.
    expect(admin.get_by_role("heading", name="Roles")).to_be_visible()
    organisation = Organisation.objects.get()
    assert organisation.name == NAME
    expect(admin.get_by_text("you are its administrator")).to_be_visible()
    assert_accessible(admin, "roles page")
    for email, role in (
        ("sam@example.org", "Membership secretary"),
        ("rio@example.org", "Returning officer"),
    ):
        admin.get_by_label("Their email address").fill(email)
        admin.get_by_label(role, exact=True).check()
        admin.get_by_role("button", name="Send the invitation").click()
        expect(admin.get_by_text(f"Invitation sent to {email}")).to_be_visible()
    expect(admin.get_by_role("cell", name="rio@example.org", exact=True)).to_be_visible()
    assert_accessible(admin, "roles page with invitations")

    # The secretary accepts from the mail's link, enrols the second factor, sees the register.
    secretary, page = _accept(
        browser,
        live_server,
        _link_in_last_mail("sam@example.org"),
        name="Sam Secretary",
        assert_accessible=assert_accessible,
    )
    _second_factor(page, "sam@example.org")
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(f"/o/{organisation.slug}/members/"))
    assert_accessible(page, "secretary's register")
    secretary.close()

    # The returning officer likewise, landing on the elections they run.
    officer, page = _accept(
        browser,
        live_server,
        _link_in_last_mail("rio@example.org"),
        name="Rio Officer",
        assert_accessible=assert_accessible,
    )
    _second_factor(page, "rio@example.org")
    expect(page).to_have_url(re.compile(f"/o/{organisation.slug}/elections/"))
    expect(page.get_by_role("heading", name="Elections", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Set up an election")).to_be_visible()
    assert_accessible(page, "returning officer's elections")
    # Their links are spent.
    page.goto(_link_in_last_mail("sam@example.org"))
    expect(page.get_by_text("has been used already")).to_be_visible()
    officer.close()

    holders = set(
        Role.objects.filter(organisation=organisation).values_list("user__username", "kind")
    )
    assert holders == {
        ("root", "administrator"),
        ("sam@example.org", "officer"),
        ("rio@example.org", "returning_officer"),
    }
    admin.reload()
    expect(
        admin.get_by_role("cell", name="Sam Secretary (sam@example.org)", exact=True)
    ).to_be_visible()


def test_the_home_page_leads_with_now_on_a_phone(page, assert_accessible):
    from mutualise.register import services as register

    org = register.create_from_model(
        model="co-operative-society", name="Riverside Wholefoods", slug="riverside", actor="test"
    )
    page.goto(f"/o/{org.slug}/")
    expect(page.get_by_role("heading", name="Now")).to_be_visible()
    expect(page.get_by_role("link", name="Join Riverside Wholefoods")).to_be_visible()
    assert_accessible(page, "organisation home")
    _fits_a_phone(page)
