"""Issue 11, item 5: arbitrary form data posted to every meetings form, by a member, the chair
or the secretary, gets a clear refusal or a success, never a 500; a refusal with status 400 is
shown in the GOV.UK pattern (an error summary or message, "Error:" in the title)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from meeting_helpers import found, make_members
from post_fuzz import state

from mutualise.meetings import services
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
COVERS = (
    "meetings:vote", "meetings:join", "meetings:proxy", "meetings:revoke_proxy",
    "meetings:motions", "meetings:requisitions", "meetings:console_action",
    "meetings:paper_poll", "meetings:new", "meetings:prepare", "meetings:minutes",
    "meetings:results", "meetings:edit", "meetings:resolution_edit", "meetings:hand",
    "meetings:resolution_remove",
)  # fmt: skip
FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What a careless or hostile sender might put in a field: any characters, huge numbers,
# superscript digits, dates and times in the wrong shape, and the values the forms expect.
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "1",
            "2",
            "0",
            "-1",
            "²",
            "١",
            "9" * 5000,
            "2027-02-30",
            "25:61",
            "X",
            "x" * 300,
            "for",
            "against",
            "abstain",
            "on",
            "general",
            "ordinary",
            "poll",
            "hands",
            "https://example.org/meet",
            "javascript:alert(1)",
            "\x00",
        ]
    ),  # fmt: skip
    st.integers(-(10**30), 10**30).map(str),
)
CONSOLE_ACTIONS = [
    "call", "open", "adjourn", "close", "cancel", "send_notice", "approve_minutes",
    "publish_minutes", "short_notice_consents", "check_in", "leave", "open_vote", "declare",
    "withdraw", "nonsense",
]  # fmt: skip


def _form(keys, actions=()):
    fields = st.dictionaries(st.sampled_from(keys), VALUES, max_size=len(keys))
    if not actions:
        return fields
    return st.tuples(st.sampled_from(actions), fields).map(lambda t: {**t[1], "action": t[0]})


@pytest.fixture
def meeting_world(db):
    """A co-operative with a member, a secretary (officer) and a chair; a draft meeting, a
    called one taking motions, and one in session with a poll open."""
    org = found("co-operative-society", slug="fuzz-coop")
    users = {r: get_user_model().objects.create_user(f"fuzz-{r}") for r in ("member", "officer", "chair")}  # fmt: skip
    members = make_members(org, 6, users=[users["member"]])
    register.grant_role(org, users["officer"], "officer")
    register.grant_role(org, users["chair"], "chair")
    soon = timezone.now() + timedelta(days=40)
    draft = services.create_meeting(org, kind="general", title="Draft", starts_at=soon, online=True)
    called = services.create_meeting(
        org, kind="general", title="Called", starts_at=soon, online=True, takes_motions=True
    )
    services.add_resolution(called, title="Paint", text="Blue.", kind_id="ordinary", method="poll")
    services.call_meeting(called, now=timezone.now())
    starts = timezone.now() - timedelta(minutes=5)
    live = services.create_meeting(org, kind="general", title="Live", starts_at=starts, online=True)
    resolution = services.add_resolution(
        live, title="Roof", text="Mend it.", kind_id="ordinary", method="poll"
    )
    services.add_resolution(live, title="Hands", text="Up.", kind_id="ordinary", method="hands")
    services.call_meeting(live, now=starts - timedelta(days=30))
    services.open_meeting(live, now=starts)
    services.check_in_many(live, members[:4])
    services.open_vote(resolution)
    base = f"/o/{org.slug}/meetings/"
    return {"org": org, "users": users, "base": base, "draft": draft, "called": called,
            "live": live}  # fmt: skip


def _check(response):
    assert response.status_code < 500, response.content[:500]
    if response.status_code == 400:
        page = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            return
        assert "govuk-error-summary" in page or "govuk-error-message" in page, page[:2000]
        assert "<title>Error:" in page.replace("\n", "").replace("<title> ", "<title>")


def _as(client, world, role):
    client.force_login(world["users"][role])
    return world["base"]


@FUZZ
@given(data=_form(["r1", "r2", "choice", "code"]))
def test_a_members_vote_never_fails(client, meeting_world, data):
    base = _as(client, meeting_world, "member")
    _check(client.post(f"{base}{meeting_world['live'].pk}/resolutions/1/vote", data))
    _check(client.post(f"{base}{meeting_world['live'].pk}/resolutions/2/vote", data))
    _check(client.post(f"{base}{meeting_world['live'].pk}/join", data))


@FUZZ
@given(data=_form(["proxy_number", "proxy_name", "r1", "proxy", "instructions"]))
def test_a_members_proxy_forms_never_fail(client, meeting_world, data):
    base = _as(client, meeting_world, "member")
    _check(client.post(f"{base}{meeting_world['called'].pk}/proxy", data))
    _check(client.post(f"{base}{meeting_world['called'].pk}/proxy/revoke", data))


@FUZZ
@given(
    role=st.sampled_from(["member", "officer", "chair"]),
    data=_form(["title", "text", "kind_id", "statement", "motion"], ["submit", "support", "accept", "x"]),
)  # fmt: skip
def test_motion_forms_never_fail(client, meeting_world, role, data):
    base = _as(client, meeting_world, role)
    _check(client.post(f"{base}{meeting_world['called'].pk}/motions/", data))


@FUZZ
@given(
    role=st.sampled_from(["member", "officer"]),
    data=_form(["purpose", "requisition"], ["start", "sign", "submit", "x"]),
)
def test_requisition_forms_never_fail(client, meeting_world, role, data):
    base = _as(client, meeting_world, role)
    _check(client.post(f"{base}requisitions/", data))


@FUZZ
@given(
    role=st.sampled_from(["officer", "chair"]),
    data=_form(
        ["number", "minutes", "consents", "r2-hands_for", "r2-hands_against",
         "r2-hands_abstain", "r2-casting_vote", "r1-hands_for"],
        CONSOLE_ACTIONS,
    ),
)  # fmt: skip
def test_the_chairs_console_never_fails(client, meeting_world, role, data):
    base = _as(client, meeting_world, role)
    for meeting in ("live", "called", "draft"):
        _check(client.post(f"{base}{meeting_world[meeting].pk}/console/action", data))


@FUZZ
@given(data=_form(["number", "choice", "r1", "marks", "for", "against"]))
def test_the_paper_poll_never_fails(client, meeting_world, data):
    base = _as(client, meeting_world, "officer")
    _check(client.post(f"{base}{meeting_world['live'].pk}/resolutions/1/paper/", data))


@FUZZ
@given(
    data=_form(
        ["kind", "title", "place", "online", "remote_url", "financial_year", "takes_motions",
         "starts_day", "starts_month", "starts_year", "starts_time"],
    )
)  # fmt: skip
def test_the_new_meeting_form_never_fails(client, meeting_world, data):
    base = _as(client, meeting_world, "officer")
    _check(client.post(f"{base}new/", data))


@FUZZ
@given(
    data=_form(
        ["title", "text", "kind_id", "method", "proposed_by", "paper_title", "paper_url"],
        ["resolution", "publish", "paper", "x"],
    )
)  # fmt: skip
def test_the_prepare_form_never_fails(client, meeting_world, data):
    base = _as(client, meeting_world, "officer")
    _check(client.post(f"{base}{meeting_world['draft'].pk}/prepare/", data))


@FUZZ
@given(
    role=st.sampled_from(["officer", "chair"]),
    data=_form(
        ["chair_name", "started_at", "ended_at", "attendance", "item_1", "item_2", "item_other"],
        ["save", "approve", "publish", "x"],
    ),
)  # fmt: skip
def test_the_minutes_form_never_fails(client, meeting_world, role, data):
    base = _as(client, meeting_world, role)
    _check(client.post(f"{base}{meeting_world['live'].pk}/minutes/", data))


@FUZZ
@given(data=_form(["receipt"]))
def test_the_receipt_check_never_fails(client, meeting_world, data):
    base = _as(client, meeting_world, "member")
    _check(client.post(f"{base}{meeting_world['live'].pk}/results/", data))


@FUZZ
@given(
    role=st.sampled_from(["officer", "member"]),
    data=_form(
        ["kind", "title", "place", "online", "remote_url", "takes_motions", "starts_day",
         "starts_month", "starts_year", "starts_time", "text", "kind_id", "method", "hand"],
    ),
)  # fmt: skip
def test_changing_or_removing_a_resolution_and_raising_a_hand_never_fail(
    client, meeting_world, role, data
):
    base = _as(client, meeting_world, role)
    before = state()
    for url in (
        f"{base}{meeting_world['draft'].pk}/change/",
        f"{base}{meeting_world['called'].pk}/resolutions/1/change/",
        f"{base}{meeting_world['live'].pk}/resolutions/2/hand",
        f"{base}{meeting_world['called'].pk}/resolutions/1/remove/",
    ):
        response = client.post(url, data)
        _check(response)
        if response.status_code in (400, 403, 404, 405):
            assert state() == before
        before = state()
