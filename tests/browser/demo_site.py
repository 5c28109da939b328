"""The demo, loaded once for a test module into the test database and served by a live server,
and a demo sign-in through the real form: shared by the browser tests that walk the demo."""

import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from mutualise import clock, demo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from two_factor import current_code  # noqa: E402


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The twelve organisations, loaded once, and a live server for them. These tests carry no
    django_db marker (each would empty the database after it), so pytest-django sets the test
    database up only when other tests in the run ask for it: when they do not, set it up here,
    and never touch the database the settings name."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        ours = None
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            ours = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        clock.reset()
        loaded = demo.load()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url, loaded
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            clock.reset()
            call_command("flush", interactive=False, verbosity=0)
            if ours is not None:
                teardown_databases(ours, verbosity=0)


def sign_in(page, username):
    """Through the real form; an officer's second factor as their authenticator app gives it."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=username)
        page.get_by_label("Code from your app").fill(current_code(user))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    assert "/accounts/" not in page.url, f"{username} did not sign in: {page.url}"
