"""Issue 19: the new-election page shows the earliest lawful close of poll, computed from the
rulebook's timetable as the service checks it, and a close too soon is refused at the field
saying the earliest day instead."""

from datetime import timedelta

import pytest
from election_helpers import make_user

from mutualise import clock
from mutualise.elections import services
from mutualise.elections.models import Election
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    org = register.create_from_model(
        model="co-operative-society", name="Riverside", slug="riverside", actor="test"
    )
    client.force_login(make_user(org, "olive", "officer"))
    return org, client


def test_the_page_shows_the_earliest_close_the_service_accepts(officer_client):
    org, client = officer_client
    earliest = services.earliest_close_of_poll(org.constitution, clock.now())
    page = client.get("/o/riverside/elections/new/").content.decode()
    assert f"The earliest it may lawfully close is <strong>{earliest:%A %-d %B %Y}</strong>" in page
    days = org.constitution.elections.timetable.notice_of_election
    assert f"notice of election {days} " in page and f'min="{earliest:%Y-%m-%d}"' in page
    seats = "board/elected-directors"
    too_soon = client.post(
        "/o/riverside/elections/new/",
        {"seats": seats, "close_of_poll": (earliest - timedelta(days=1)).isoformat()},
    ).content.decode()
    assert 'id="close_of_poll"' in too_soon and "govuk-form-group--error" in too_soon
    assert f"the earliest the poll may close is {earliest:%A %-d %B %Y}" in too_soon
    assert not Election.objects.exists()
    made = client.post(
        "/o/riverside/elections/new/", {"seats": seats, "close_of_poll": earliest.isoformat()}
    )
    assert made.status_code == 302 and Election.objects.get().close_of_poll == earliest
