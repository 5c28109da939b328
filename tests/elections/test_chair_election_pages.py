"""The chair's pages for an election: co-option to unfilled seats and the casting vote in a tie.
Each is offered only where the rulebook provides for it, checks who may act, asks for
confirmation, reports errors in the GOV.UK pattern and leaves an audit event."""

import pytest
from election_helpers import PASSWORD, make_members, make_user
from test_election_rulebook_fields import (
    NAMES,
    SEATS,
    TIED,
    _declared_with_one_for_three,
    _election,
    _org,
    _poll,
    _to_withdrawals_closed,
)

from mutualise.audit.models import AuditEvent
from mutualise.elections.models import OfficeTerm
from mutualise.elections.queries import chairs_business
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
R = Role.Kind


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _signed_in(client, org, username, *kinds):
    user = make_user(org, username, *kinds)
    client.login(username=username, password=PASSWORD)
    return user


def test_co_option_page_confirms_by_name_then_co_opts(client):
    org = _org("p-coopt", unfilled_seats="co-opted")
    election, _ = _declared_with_one_for_three(org)
    (member,) = make_members(org, SEATS, 1, prefix="Coopted")
    _signed_in(client, org, "board-1", R.BOARD)
    assert [page for _, _, page in chairs_business(org)] == ["co_opt"]
    url = f"/o/{org.slug}/elections/{election.pk}/co-opt/"
    page = client.get(url).content.decode()
    assert "2 seats to fill" in page
    bad = client.post(url, {"number": "x"}).content.decode()
    assert "<title>Error:" in bad and "govuk-error-summary" in bad
    assert "Enter the membership number of the member to co-opt" in bad
    assert (
        "There is no member number 999999"
        in client.post(url, {"number": "999999"}).content.decode()
    )
    confirm = client.post(url, {"number": member.number}).content.decode()
    assert member.display_name in confirm and 'id="confirm-co-option"' in confirm
    assert not OfficeTerm.objects.filter(member=member).exists()  # nothing until confirmed
    done = client.post(url, {"number": member.number, "confirm": "yes"}, follow=True)
    assert "1 seat to fill" in done.content.decode()
    assert OfficeTerm.objects.filter(member=member, election=election).exists()
    assert AuditEvent.objects.filter(action="election.co_opted").count() == 1
    assert chairs_business(org)  # one seat still open
    again = client.post(url, {"number": member.number, "confirm": "yes"}).content.decode()
    assert "holds one of these seats" in again and "<title>Error:" in again


def test_co_option_page_refuses_those_who_may_not_and_rulebooks_without_it(client):
    org = _org("p-coopt2", unfilled_seats="co-opted")
    election, _ = _declared_with_one_for_three(org)
    _signed_in(client, org, "plain-member")
    assert client.get(f"/o/{org.slug}/elections/{election.pk}/co-opt/").status_code == 403
    vacant = _org("p-vacant")
    other, _ = _declared_with_one_for_three(vacant)
    _signed_in(client, vacant, "board-2", R.BOARD)
    assert client.get(f"/o/{vacant.slug}/elections/{other.pk}/co-opt/").status_code == 404


def test_casting_vote_page_only_where_the_rulebook_gives_the_chair_one(client):
    org = _org("p-cast", ties="chair-casting-vote")
    election, drive, ro = _election(org, NAMES, voters=30)
    _to_withdrawals_closed(drive, ro)
    election = _poll(drive, ro, TIED)
    pending = election.result["casting_pending"]
    url = f"/o/{org.slug}/elections/{election.pk}/casting-vote/"
    assert [page for _, _, page in chairs_business(org)] == ["casting_vote"]
    _signed_in(client, org, "not-chair", R.BOARD)
    assert client.get(url).status_code == 403
    _signed_in(client, org, "the-chair", R.CHAIR)
    page = client.get(url).content.decode()
    for name in pending["tied_names"]:
        assert name in page
    empty = client.post(url, {}).content.decode()
    assert "<title>Error:" in empty and "Choose " in empty
    chosen = pending["tied_positions"][-1]
    confirm = client.post(url, {"candidate": chosen}).content.decode()
    assert 'id="confirm-casting-vote"' in confirm
    assert not AuditEvent.objects.filter(action="election.casting_vote").exists()
    client.post(url, {"candidate": chosen, "confirm": "yes"})
    assert AuditEvent.objects.filter(action="election.casting_vote").count() == 1

    by_lot = _org("p-lot")
    other, drive, ro = _election(by_lot, NAMES, voters=30)
    _to_withdrawals_closed(drive, ro)
    other = _poll(drive, ro, TIED)
    _signed_in(client, by_lot, "lot-chair", R.CHAIR)
    assert client.get(f"/o/{by_lot.slug}/elections/{other.pk}/casting-vote/").status_code == 404
    assert chairs_business(by_lot) == []


@pytest.mark.parametrize("number", ["²", "9" * 5000, "99999999999999999999"])
def test_a_co_option_number_int_refuses_is_explained_not_a_500(client, number):
    """'²' passed isdigit() and int() raised on it (and on 5,000 digits); 20 digits overflowed
    the column on PostgreSQL."""
    org = _org("p-coopt3", unfilled_seats="co-opted")
    election, _ = _declared_with_one_for_three(org)
    _signed_in(client, org, "board-3", R.BOARD)
    url = f"/o/{org.slug}/elections/{election.pk}/co-opt/"
    terms = OfficeTerm.objects.count()
    answer = client.post(url, {"number": number, "confirm": "yes"})
    assert answer.status_code == 400
    assert "Enter the membership number of the member to co-opt" in answer.content.decode()
    assert OfficeTerm.objects.count() == terms
