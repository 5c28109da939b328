"""Issue 11, item 5: arbitrary form data posted to every elections form view never gives a
500, and a refusal is shown in the GOV.UK pattern (an error summary, "Error:" in the title)."""

from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualise.elections import clock, services
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
COVERS = (
    "elections:vote", "elections:receipt", "elections:paper", "elections:paper_discard",
    "elections:move_poll", "elections:create",
)  # fmt: skip
DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text a careless or hostile sender might put in a field: any characters, huge numbers,
# superscript digits, dates in the wrong shape, and the values the forms expect.
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "1", "2", "0", "-1", "²", "١", "9" * 5000, "2027-02-30", "X", "x" * 300]),
    st.integers(-(10**30), 10**30).map(str),
)


def _form(keys):
    return st.dictionaries(st.sampled_from(keys), VALUES, max_size=len(keys))


@pytest.fixture
def polling(nhs_org, returning_officer, monkeypatch):
    election = services.create_election(
        nhs_org, body_id="council-of-governors", seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL, actor=returning_officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    drive = Driver(election, returning_officer)
    drive.to_nominations()
    members = make_members(nhs_org, "public-north-tyneside", 6, prefix="Candidate")
    for member in members:
        services.nominate(election, member, declarations=DECLARE, actor="x", now=drive.nominating)
    make_members(nhs_org, "public-north-tyneside", 3)
    codes = drive.to_poll()
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    settings_ = {"slug": nhs_org.slug, "pk": election.pk}
    return election, list(codes.values()), settings_


def _check(response):
    assert response.status_code < 500, response.content[:500]
    if response.status_code == 400:
        page = response.content.decode()
        assert "govuk-error-summary" in page or "govuk-error-message" in page
        assert "<title>Error:" in page.replace("\n", "").replace("<title> ", "<title>")


@FUZZ
@given(data=_form(["step", "code", "c1", "c2", "c3", "c4", "c0", "email"]))
def test_the_ballot_form_never_fails(client, polling, data):
    election, codes, where = polling
    if data.get("code") == "1":
        data["code"] = codes[0]  # sometimes a real code, so the ballot steps are reached
    _check(client.post(f"/o/{where['slug']}/elections/{where['pk']}/vote/", data))


@FUZZ
@given(data=_form(["receipt"]))
def test_the_receipt_lookup_never_fails(client, polling, data):
    election, codes, where = polling
    _check(client.post(f"/o/{where['slug']}/elections/{where['pk']}/receipt/", data))


@FUZZ
@given(data=_form(["code", "c1", "c2", "c3", "c9"]))
def test_paper_entry_never_fails(client, polling, returning_officer, data):
    election, codes, where = polling
    client.force_login(returning_officer)
    base = f"/o/{where['slug']}/elections/{where['pk']}/console/"
    _check(client.post(base + "paper/", data))
    _check(client.post(base + "paper/discard/", data))


@FUZZ
@given(data=_form(["close_of_poll", "reason"]))
def test_console_forms_never_fail(client, polling, returning_officer, data):
    election, codes, where = polling
    client.force_login(returning_officer)
    base = f"/o/{where['slug']}/elections/{where['pk']}/console/"
    _check(client.post(base + "move/", data))


@FUZZ
@given(data=_form(["seats", "close_of_poll"]))
def test_the_create_form_never_fails(client, nhs_org, data):
    officer = (
        make_user(nhs_org, "sec-fuzz", Role.Kind.OFFICER)
        if not hasattr(nhs_org, "_fuzz")
        else nhs_org._fuzz
    )
    nhs_org._fuzz = officer
    client.force_login(officer)
    _check(client.post(f"/o/{nhs_org.slug}/elections/new/", data))
