"""A member's membership page (where they land after signing in), their own changes of details
(confirmed by the secretary where the rulebook says so) and resigning; each refused for
everyone else (anonymous, another member, the secretary of another organisation)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mutualise.accounts.member_models import DetailsChange
from mutualise.accounts.services import AccountsError, NotPermitted
from mutualise.accounts.services import membership as services
from mutualise.audit.models import AuditEvent
from mutualise.elections import services as elections
from mutualise.elections.models import Election, RollEntry
from mutualise.meetings import services as meetings
from mutualise.meetings.models import Meeting, ProxyAppointment
from mutualise.register import services as register
from mutualise.register.models import Member, Role

PASSWORD = "a-long-password-9"


def user(name, org=None, kind=None):
    made = get_user_model().objects.create_user(
        name, email=f"{name}@example.org", password=PASSWORD
    )
    if org is not None:
        register.grant_role(org, made, kind, actor="test")
    return made


def member_of(org, name, attestation, sign_in=None, postcode="NE1 4ST"):
    joined = register.join(
        org,
        display_name=name,
        date_of_birth=date(1980, 5, 17),
        email=f"{name.split()[0].lower()}@example.org",
        postcode=postcode,
        address="1 High Street",
        attestations=[attestation],
        user=sign_in,
        actor="test",
    )
    return register.admit(joined, actor="test")


@pytest.fixture
def coop(db):
    return register.create_from_model(
        model="co-operative-society", name="Riverside Wholefoods", slug="riverside", actor="test"
    )


@pytest.fixture
def housing(db):  # its rulebook: the secretary confirms a member's change of address
    return register.create_from_model(
        model="housing-coop", name="Canal Street Housing", slug="canal", actor="test"
    )


@pytest.fixture
def pat(coop):
    return member_of(coop, "Pat Jones", "supports-objects", sign_in=user("pat"))


def page(client, org):
    response = client.get(f"/o/{org.slug}/membership/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_lands_on_their_membership_after_signing_in(client, coop, pat):
    signed_in = client.post(
        "/accounts/login/", {"username": "pat", "password": PASSWORD}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] == f"/o/{coop.slug}/membership/"
    text = signed_in.content.decode()
    assert "Pat Jones" in text and f">{pat.number}<" in text
    assert "Members" in text  # the constituency, by name
    assert f"/o/{coop.slug}/membership/change/address/" in text
    assert "You hold £0.00 (0 shares)" in text and f"/o/{coop.slug}/shares/" in text
    assert f"/o/{coop.slug}/membership/resign/" in text


def test_the_page_shows_open_polls_meetings_and_proxies(client, coop, pat):
    other = member_of(coop, "Sam Smith", "supports-objects")
    election = elections.create_election(
        coop, body_id="board", seat_group_id="elected-directors", title="Board election 2027",
        close_of_poll=timezone.localdate() + timedelta(days=60), actor="test",
    )  # fmt: skip
    # A second open poll the member is not on the roll of (the same seats, so the first is
    # set aside while it is made: two running elections for one set of seats are refused).
    Election.objects.filter(pk=election.pk).update(state="void")
    elsewhere = elections.create_election(
        coop, body_id="board", seat_group_id="elected-directors", title="Not on its roll",
        close_of_poll=timezone.localdate() + timedelta(days=60), actor="test",
    )  # fmt: skip
    Election.objects.filter(pk__in=[election.pk, elsewhere.pk]).update(state="poll_open")
    RollEntry.objects.create(
        organisation=coop, election=election, member=pat, member_number=pat.number
    )
    meeting = meetings.create_meeting(
        coop, kind="agm", title="Annual general meeting 2027", place="The shop",
        starts_at=timezone.now() + timedelta(days=30), financial_year=2026, actor="test",
    )  # fmt: skip
    Meeting.objects.filter(pk=meeting.pk).update(state="called")
    ProxyAppointment.objects.create(
        organisation=coop, meeting=meeting, appointer=other, proxy_member=pat,
        lodged_at=timezone.now(),
    )  # fmt: skip
    client.force_login(pat.user)
    text = page(client, coop)
    assert "Board election 2027" in text and "Not on its roll" not in text
    assert "Annual general meeting 2027" in text
    assert "you are the proxy of Sam Smith" in text


def test_someone_with_no_membership_is_told_how_to_get_one(client, coop):
    client.force_login(user("kim"))
    text = page(client, coop)
    assert "not linked to a membership" in text and "/sign-in/claim/" in text


def test_anonymous_is_sent_to_sign_in(client, coop):
    for path in ("membership/", "membership/change/name/", "membership/resign/"):
        response = client.get(f"/o/{coop.slug}/{path}")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_change_takes_effect_at_once_where_the_rulebook_asks_no_confirmation(client, coop, pat):
    client.force_login(pat.user)
    response = client.post(
        f"/o/{coop.slug}/membership/change/address/",
        {"address": "2 Low Street", "postcode": "ne2 1aa"},
    )
    assert response.status_code == 302
    pat.refresh_from_db()
    assert (pat.address, pat.postcode) == ("2 Low Street", "NE2 1AA")
    event = AuditEvent.objects.filter(action="member.details_changed").last()
    assert event.actor == f"member:{pat.number}"


def test_a_change_the_rulebook_names_waits_for_the_secretary(client, housing):
    tenant = member_of(housing, "Tia Tenant", "tenant-or-applicant", sign_in=user("tia"))
    client.force_login(tenant.user)
    client.post(
        f"/o/{housing.slug}/membership/change/address/",
        {"address": "Flat 2, Canal Street", "postcode": "M1 1AA"},
    )
    tenant.refresh_from_db()
    assert tenant.postcode == "NE1 4ST"  # not yet
    assert "still to confirm the change of your address" in page(client, housing)
    change = DetailsChange.objects.get()
    # A change of phone the rulebook does not name: at once.
    client.post(f"/o/{housing.slug}/membership/change/phone/", {"phone": "0161 000 0000"})
    tenant.refresh_from_db()
    assert tenant.phone == "0161 000 0000"
    # Only the secretary of this organisation decides.
    for other in (tenant.user, user("osec", org=register.create_from_model(
            model="co-operative-society", name="Elsewhere", slug="elsewhere", actor="test"),
            kind=Role.Kind.OFFICER)):  # fmt: skip
        with pytest.raises(NotPermitted):
            services.confirm_change(change, actor=other)
    secretary = user("hsec", org=housing, kind=Role.Kind.OFFICER)
    client.force_login(secretary)
    listing = client.get(f"/o/{housing.slug}/members/changes/").content.decode()
    assert "Flat 2, Canal Street" in listing
    client.post(f"/o/{housing.slug}/members/changes/{change.pk}/", {"decision": "confirm"})
    tenant.refresh_from_db()
    assert tenant.postcode == "M1 1AA"
    actions = list(AuditEvent.objects.filter(organisation=housing).values_list("action", flat=True))
    assert "member.change_requested" in actions and "member.change_confirmed" in actions
    with pytest.raises(AccountsError, match="confirmed already"):
        services.refuse_change(change, actor=secretary, reason="late")


def test_a_refusal_needs_a_reason_and_the_member_sees_it(client, housing):
    tenant = member_of(housing, "Tia Tenant", "tenant-or-applicant", sign_in=user("tia"))
    change = services.change_my_details(
        tenant, "address", actor=tenant.user, address="x", postcode="M1 1AA"
    )
    secretary = user("hsec", org=housing, kind=Role.Kind.OFFICER)
    with pytest.raises(AccountsError, match="Say why"):
        services.refuse_change(change, actor=secretary, reason=" ")
    services.refuse_change(change, actor=secretary, reason="No tenancy at that address")
    tenant.refresh_from_db()
    assert tenant.postcode == "NE1 4ST"
    client.force_login(tenant.user)
    text = page(client, housing)
    assert "did not make the change of your address: No tenancy at that address" in text


def test_bad_details_get_a_clear_error(client, coop, pat):
    client.force_login(pat.user)
    response = client.post(
        f"/o/{coop.slug}/membership/change/address/", {"address": "x", "postcode": "nope"}
    )
    assert response.status_code == 400 and "Enter a UK postcode" in response.content.decode()
    response = client.post(f"/o/{coop.slug}/membership/change/name/", {"display_name": " "})
    assert response.status_code == 400 and "Enter your name" in response.content.decode()
    assert client.get(f"/o/{coop.slug}/membership/change/number/").status_code == 404


def test_nobody_else_changes_a_members_details(coop, pat):
    secretary_elsewhere = user("osec")
    for actor in (None, user("other"), secretary_elsewhere, user("csec", org=coop, kind="officer")):
        with pytest.raises(NotPermitted):
            services.change_my_details(pat, "name", actor=actor, display_name="Hijacked")
        with pytest.raises(NotPermitted):
            services.resign(pat, actor=actor, reason="")
    pat.refresh_from_db()
    assert pat.display_name == "Pat Jones" and pat.status == Member.Status.ADMITTED


def test_a_member_resigns_from_the_confirmation_page(client, coop, pat):
    client.force_login(pat.user)
    unticked = client.post(f"/o/{coop.slug}/membership/resign/", {"reason": "Moving away"})
    assert unticked.status_code == 400 and "Tick the box" in unticked.content.decode()
    done = client.post(
        f"/o/{coop.slug}/membership/resign/", {"reason": "Moving away", "confirm": "yes"}
    )
    assert done.status_code == 302
    pat.refresh_from_db()
    assert pat.status == Member.Status.CEASED
    last = pat.history.last()
    assert (last.reason, last.note) == ("resigned", "Moving away")
    text = page(client, coop)
    assert "Former member" in text and "/membership/resign/" not in text
