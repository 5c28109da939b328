"""The organisation's home page leads with now (open polls and votes, the next meeting, the
latest results, how to join), then the constitution in plain English."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from mutualise.elections import services as elections
from mutualise.elections.models import Election
from mutualise.meetings import services as meetings
from mutualise.meetings.models import Meeting, Resolution
from mutualise.register import services as register
from mutualise.register.models import Role


@pytest.fixture
def coop(db):
    return register.create_from_model(
        model="co-operative-society", name="Riverside Wholefoods", slug="riverside", actor="test"
    )


def _text(client, org) -> str:
    page = client.get(reverse("organisation", args=[org.slug]))
    assert page.status_code == 200
    return page.content.decode()


def test_a_quiet_organisation_says_so_and_shows_how_to_join(client, coop):
    text = _text(client, coop)
    assert "Nothing is open for a vote just now" in text
    assert "No general meeting has been called" in text
    assert "How to join" in text and reverse("register:join", args=[coop.slug]) in text
    # A member on the register with no sign-in yet (an imported register) is shown the claim.
    assert reverse("accounts:claim", args=[coop.slug]) in text
    assert text.index("How to join") < text.index("How Riverside Wholefoods is run")


def test_now_leads_with_the_open_poll_the_next_meeting_and_the_results(client, coop):
    # Last year's election is declared before this year's is set up for the same seats.
    done = elections.create_election(
        coop,
        body_id="board",
        seat_group_id="elected-directors",
        close_of_poll=timezone.localdate() + timedelta(days=61),
        title="Board election 2026",
        actor="test",
    )
    Election.objects.filter(pk=done.pk).update(state="declared", declared_at=timezone.now())
    election = elections.create_election(
        coop,
        body_id="board",
        seat_group_id="elected-directors",
        close_of_poll=timezone.localdate() + timedelta(days=60),
        title="Board election 2027",
        actor="test",
    )
    Election.objects.filter(pk=election.pk).update(state="poll_open")
    meeting = meetings.create_meeting(
        coop,
        kind="agm",
        title="Annual general meeting 2027",
        starts_at=timezone.now() + timedelta(days=30),
        place="The shop",
        financial_year=2026,
        actor="test",
    )
    Meeting.objects.filter(pk=meeting.pk).update(state="called")
    resolution = meetings.add_resolution(
        meeting,
        title="Adopt the accounts",
        text="That the accounts be adopted.",
        kind_id="ordinary",
    )
    Resolution.objects.filter(pk=resolution.pk).update(
        state="declared", carried=True, declared_at=timezone.now()
    )
    text = _text(client, coop)
    now = text.index('id="now"')
    assert now < text.index("Vote in Board election 2027") < text.index("How Riverside")
    assert reverse("elections:vote", args=[coop.slug, election.pk]) in text
    assert "Annual general meeting 2027" in text and "The shop" in text
    assert "Board election 2026" in text and "Adopt the accounts" in text and "carried" in text
    assert text.index("Latest results") < text.index("How Riverside Wholefoods is run")


def test_a_member_sees_their_membership_and_an_administrator_the_roles(client, coop):
    from datetime import date

    user = get_user_model().objects.create_user("mo", password="x" * 16)
    member = register.join(
        coop,
        display_name="Mo Member",
        date_of_birth=date(1980, 1, 1),
        attestations=["supports-objects"],
        user=user,
        actor="test",
    )
    register.admit(member, actor="test")
    client.force_login(user)
    text = _text(client, coop)
    assert f"member number {member.number}" in text and "How to join" not in text
    register.grant_role(coop, user, Role.Kind.ADMINISTRATOR, actor="test")
    assert reverse("accounts:roles", args=[coop.slug]) in _text(client, coop)
