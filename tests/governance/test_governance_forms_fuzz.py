"""Issue 11.5 for the office holders' register and the officers' reminders: arbitrary form
data posted by the membership secretary (and by a plain member) gets a clear error at the field
or a success, never a 500, and a refusal changes nothing."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from governance_helpers import admit, found
from hypothesis import given
from hypothesis import strategies as st
from post_fuzz import FUZZ, VALUES, form, post

from mutualise.governance import services
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
COVERS = ("governance:holders", "governance:end_holding", "governance:close_reminder")
APPOINT = ["seat", "how", "chosen_by", "decided_on", "member", "holder_name", "address"]


@pytest.fixture
def keepers(db, django_capture_on_commit_callbacks):
    org = found("co-operative-society", "fuzz-coop", founded=date(2024, 1, 1))
    admit(org, ["Kim Keen"], on=date(2025, 1, 1))
    holding = services.record_existing_holder(
        org, body_id="board", seat_group_id="elected-directors", how="elected",
        chosen_by="the members", started_on=date(2024, 1, 1), holder_name="Ann Director",
        address="1 Board Row, Town", actor="test",
    )  # fmt: skip
    users = {r: get_user_model().objects.create_user(f"fuzz-{r}") for r in ("officer", "member")}
    register.grant_role(org, users["officer"], "officer")
    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_reminders([org], today=date(2026, 6, 1))
    reminder = next(iter(services.open_reminders(org)), None)
    return {"org": org, "users": users, "holding": holding, "reminder": reminder}


# The seat's real values now and then, so the service (not only the form) is reached.
SEATS = st.one_of(VALUES, st.sampled_from(["board|seat|co-opted-directors", "board|seat|x"]))


@FUZZ
@given(
    role=st.sampled_from(["officer", "member"]),
    data=form(APPOINT),
    seat=SEATS,
    how=st.one_of(VALUES, st.just("co-opted")),
)
def test_the_appointment_form_never_fails(client, keepers, role, data, seat, how):
    client.force_login(keepers["users"][role])
    data = {"seat": seat, "how": how, **data}
    post(client, reverse("governance:holders", args=[keepers["org"].slug]), data)


@FUZZ
@given(role=st.sampled_from(["officer", "member"]), data=form(["ended_on", "reason"]))
def test_ending_a_holding_and_closing_a_reminder_never_fail(client, keepers, role, data):
    client.force_login(keepers["users"][role])
    slug = keepers["org"].slug
    post(client, reverse("governance:end_holding", args=[slug, keepers["holding"].pk]), data)
    if keepers["reminder"] is not None:
        url = reverse("governance:close_reminder", args=[slug, keepers["reminder"].pk])
        post(client, url, data)


def test_a_5000_digit_membership_number_is_a_clear_error(client, keepers):
    client.force_login(keepers["users"]["officer"])
    data = {"seat": "board|seat|co-opted-directors", "how": "co-opted", "chosen_by": "board",
            "decided_on": "2026-02-01", "member": "9" * 5000}  # fmt: skip
    answer = post(client, reverse("governance:holders", args=[keepers["org"].slug]), data)
    assert answer.status_code == 400


@pytest.mark.parametrize("year", ["²", "9" * 5000])
def test_a_report_year_in_odd_digits_is_not_found(client, keepers, year):
    client.force_login(keepers["users"]["officer"])
    url = reverse("governance:report", args=[keepers["org"].slug, "membership", "csv"])
    assert client.get(url, {"year": year}).status_code == 404
