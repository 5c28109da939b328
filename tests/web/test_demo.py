"""The demo NHS trust a visitor can explore: members, a declared election, a poll open now with
a working voting code, an election whose nominations are open, and a meeting on notice. Loading
twice changes nothing (tests/demo/ loads all twelve organisations)."""

import pytest

from mutualise.audit.services import verify
from mutualise.demo import nhs_trust as demo
from mutualise.elections import services as elections
from mutualise.elections.lifecycle import State
from mutualise.elections.models import Election
from mutualise.meetings.models import Meeting
from mutualise.register.models import Member

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_its_voting_code_works():
    info = demo.load()
    org = info.organisation
    assert Member.objects.filter(organisation=org).count() == 180
    declared, open_poll, on_notice = Election.objects.filter(organisation=org).order_by("pk")
    assert declared.state_enum == State.DECLARED
    assert on_notice.state_enum == State.NOMINATIONS_OPEN and on_notice.candidates.count() == 5
    assert len(declared.result["elected_names"]) == 4
    assert open_poll.state_enum == State.POLL_OPEN
    assert Meeting.objects.filter(organisation=org).count() == 1
    assert info.voting_code and info.voting_code in info.describe("http://127.0.0.1:8000/")

    marks = elections.parse_marks(open_poll, {1: "1", 2: "2"})
    assert elections.cast(open_poll, info.voting_code, marks)

    again = demo.load()
    assert again.organisation == org and again.voting_code == ""
    assert Member.objects.filter(organisation=org).count() == 180
    assert Election.objects.filter(organisation=org).count() == 3
    assert verify(org).ok


def test_the_printed_officer_sign_in_works_with_its_printed_second_factor(client):
    """A newcomer signs in as the secretary with the printed password and the code that
    `mutualise demo --code secretary` prints (the demo officers' authenticators are enrolled)."""
    info = demo.load()
    printed = info.describe("http://127.0.0.1:8000/")
    assert "'secretary' (membership secretary), 2FA key " in printed
    client.post("/accounts/login/", {"username": "secretary", "password": demo.DEMO_PASSWORD})
    register = f"/o/{info.organisation.slug}/members/"
    assert client.get(register)["Location"].startswith("/accounts/two-factor/")
    page = client.get("/accounts/two-factor/")
    assert b"Enter your sign-in code" in page.content  # already enrolled: no QR step
    client.post("/accounts/two-factor/", {"code": demo.current_code("secretary")})
    assert client.get(register).status_code == 200
    with pytest.raises(LookupError):
        demo.current_code("member")
