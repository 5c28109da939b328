"""Browser tests: Playwright for Python driving Debian's headless chromium, with axe-core.

`page` opens a fresh page against the live server; the fixture `assert_accessible(page)` fails on any serious
or critical axe violation. Outside CI, a machine without chromium skips these tests saying why;
under CI=true a missing browser fails them.

A click (or key press) that submits a form or follows a link returns, in Playwright, once the
new page is committed: its document may still be empty or half parsed, so a read straight after
(`page.title()`, `inner_text()`, `is_visible()`, `count()`, an axe check) could see '' or part of
it on a loaded machine (CI was red on that: a title read ''). Here every such action returns only
once the page it opened has loaded (`_actions_wait_for_the_page_they_open`, shown by
test_actions_wait.py); where nothing navigates, the wait returns at once. `expect(...)` is still
the way to wait for what a page's script changes later.
"""

import os
import shutil

import pytest
from axe_check import check_accessible
from demo_site import demo_site  # noqa: F401 (a fixture: the demo, loaded once per module)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = (
            "Debian's chromium is not installed (make test installs it: apt-get install chromium)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; browser tests are required in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# The actions that can submit a form or follow a link, on every object that has them.
NAVIGATING_ACTIONS = ("click", "dblclick", "tap", "press", "check", "uncheck", "set_checked",
                      "select_option")  # fmt: skip


@pytest.fixture(scope="session", autouse=True)
def _actions_wait_for_the_page_they_open():
    """Each navigating action, then a wait for the load of the page it committed (Playwright's
    action has already waited for any navigation it started to commit, so this waits for the
    new document, never the old one)."""
    from playwright.sync_api import Frame, Locator, Page

    with pytest.MonkeyPatch.context() as patch:
        for cls in (Page, Frame, Locator):
            for name in NAVIGATING_ACTIONS:
                action = getattr(cls, name, None)
                if action is None:
                    continue

                def waiting(self, *args, _action=action, **kwargs):
                    result = _action(self, *args, **kwargs)
                    page = self if isinstance(self, Page) else self.page
                    if not page.is_closed():
                        page.wait_for_load_state()
                    return result

                patch.setattr(cls, name, waiting)
        yield


@pytest.fixture(autouse=True)
def _mailed_links_come_back_here(request, settings):
    """Links in mail are built from MUTUALISE_SITE_URL, as on a real install (and as
    `mutualise demo` sets it to its own address): here, the live server's."""
    if "live_server" in request.fixturenames:
        settings.MUTUALISE_SITE_URL = request.getfixturevalue("live_server").url


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page (most members use phones) whose base URL is the live server."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page):
    """Sign a user in through the real form: sign_in(username, password). An officer is then
    asked for the second factor, which this completes as their authenticator app would (on first
    sign-in it enrols the app from the page's key)."""

    def _sign_in(username: str, password: str, target=page):
        target.goto("/accounts/login/")
        target.get_by_label("Username").fill(username)
        target.get_by_label("Password").fill(password)
        target.get_by_role("button", name="Sign in").click()
        target.wait_for_load_state()
        if "/accounts/two-factor/" in target.url:
            from django.contrib.auth import get_user_model
            from two_factor import current_code

            user = get_user_model().objects.get(username=username)
            target.get_by_label("Code from your app").fill(current_code(user))
            target.get_by_role("button", name="Continue").click()
            target.wait_for_load_state()
        # A sign-in that failed would leave the test on the form, testing the wrong page.
        assert not target.url.split("?")[0].endswith(
            ("/accounts/login/", "/accounts/two-factor/")
        ), f"{username} could not sign in: {target.locator('main').inner_text()[:300]}"

    return _sign_in


@pytest.fixture
def assert_accessible():
    """The axe check as a fixture: assert_accessible(page, "after submitting the form")."""
    return check_accessible
