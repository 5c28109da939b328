"""Issue 11.5 for the demo clock page: arbitrary steps and times, posted by the demo's
administrator and by a member who may not move the clock, never give a 500 (a time the clock
cannot reach is explained); the clock moves only forward, and a refusal moves nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from hypothesis import given
from hypothesis import strategies as st
from post_fuzz import FUZZ, VALUES, check, form, has_nul

from mutualise import clock

pytestmark = pytest.mark.django_db
COVERS = ("demo_clock",)
TIMES = st.one_of(
    VALUES,
    st.sampled_from(["9999-12-31T23:59", "9999-12-31 23:59:59+14:00", "0001-01-01T00:00",
                     "2030-01-01T12:00", "2030-01-01T12:00:00-23:59", "2030-13-01T00:00"]),
    st.datetimes().map(lambda d: d.isoformat()),
)  # fmt: skip


@pytest.fixture
def people():
    clock.reset()
    users = get_user_model().objects
    yield {"admin": users.create_superuser("demo-admin-f"), "member": users.create_user("m-f")}
    clock.reset()


@FUZZ
@given(data=form(["step", "to"]), to=TIMES, admin=st.booleans())
def test_moving_the_demo_clock_never_fails(client, people, data, to, admin):
    client.force_login(people["admin" if admin else "member"])
    offset = clock.offset()
    answer = check(client.post("/demo/clock/", {**data, "to": data.get("to", to)}))
    assert clock.offset() >= offset
    if not admin or has_nul(data) or answer.status_code != 302:
        assert clock.offset() == offset
    check(client.get("/"))  # every page shows the clock's banner: it must still render
    check(client.get("/demo/clock/"))


def test_a_time_past_the_calendars_end_is_refused_not_a_500_on_every_page(client, people):
    """Moved to 9999-12-31 and then a week on, the clock's time overflowed Python's calendar:
    every page (the banner reads the clock) was a 500 until the demo was reset."""
    client.force_login(people["admin"])
    refused = check(client.post("/demo/clock/", {"to": "9999-12-31T23:59"}, follow=True))
    assert "at most 100 years ahead" in refused.content.decode() and not clock.is_set()
    for data in ({"to": "2100-01-01T00:00"}, {"step": "week"}):
        check(client.post("/demo/clock/", data))
        assert check(client.get("/")).status_code == 200
    assert timedelta(days=365 * 70) < clock.offset() < clock.MAX_AHEAD
