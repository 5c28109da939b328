"""The demo clock page: a demo install's administrator or officers move time forward (by a step,
to a time, or to the next deadline); every page shows a banner while the clock is ahead; the
page does not exist outside demo installs."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from mutualise import clock
from mutualise.demo import nhs_trust

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _real_time():
    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def admin(client):
    user = get_user_model().objects.create_superuser("demo-admin", password="x" * 12)
    client.force_login(user)
    return user


def test_the_administrator_moves_time_forward_and_every_page_says_so(client, admin):
    page = client.get("/demo/clock/")
    assert page.status_code == 200 and b"Demo clock" in page.content
    assert b'id="demo-clock"' not in page.content  # no banner while the clock is real
    client.post("/demo/clock/", {"step": "week"})
    assert timedelta(days=7) <= clock.offset() < timedelta(days=7, minutes=1)
    home = client.get("/")
    assert b'id="demo-clock"' in home.content and b"7 days ahead of the real time" in home.content
    target = timezone.localtime(clock.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    client.post("/demo/clock/", {"to": target.strftime("%Y-%m-%d %H:%M")})
    assert abs(clock.now() - target) < timedelta(minutes=1)
    answer = client.post("/demo/clock/", {"to": "2020-01-01 09:00"}, follow=True)
    assert b"only moves forward" in answer.content
    answer = client.post("/demo/clock/", {"to": "next tuesday"}, follow=True)
    assert b"choose how far to move the clock" in answer.content


def test_the_next_deadlines_are_offered(client, admin):
    nhs_trust.load()
    page = client.get("/demo/clock/").content.decode()
    assert "nominations close: Council of Governors: Public constituency - North Tyneside" in page
    assert "the poll closes: Council of Governors: Public constituency - Newcastle" in page
    assert "Annual members&#x27; meeting" in page


def test_members_and_visitors_may_not_move_it(client):
    assert client.get("/demo/clock/").status_code == 403
    client.force_login(get_user_model().objects.create_user("someone"))
    assert client.post("/demo/clock/", {"step": "day"}).status_code == 403
    assert not clock.is_set()


@override_settings(MUTUALISE_DEMO_CLOCK=False)
def test_outside_a_demo_install_there_is_no_clock_page(client, admin):
    assert client.get("/demo/clock/").status_code == 404
    assert client.post("/demo/clock/", {"step": "day"}).status_code == 404
