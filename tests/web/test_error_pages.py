"""403, 404 and 500 pages come in the site's own layout, with a viewport for phones, and say what
happened and where to go (not Django's bare 980 px pages)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.views.defaults import server_error

from mutualise.register import services

pytestmark = pytest.mark.django_db

VIEWPORT = '<meta name="viewport" content="width=device-width'


def test_an_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/o/no-such-organisation/")
    assert response.status_code == 404
    html = response.content.decode()
    assert VIEWPORT in html and "govuk-generic-header" in html
    assert "Page not found" in html
    assert 'href="/"' in html


def test_a_404_inside_an_organisation_leads_back_to_it(client):
    org = services.create_from_model(model="housing-coop", name="Canalside Housing Co-op")
    response = client.get(f"/o/{org.slug}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Canalside Housing Co-op" in html and f'href="/o/{org.slug}/"' in html


def test_a_page_without_the_role_is_a_403_that_says_who_is_signed_in(client):
    org = services.create_from_model(model="housing-coop", name="Canalside Housing Co-op")
    user = get_user_model().objects.create_user(
        "pat", password="x", first_name="Pat", last_name="Lee"
    )
    client.force_login(user)
    response = client.get(f"/o/{org.slug}/members/")
    assert response.status_code == 403
    html = response.content.decode()
    assert VIEWPORT in html and "You cannot see this page" in html
    assert "Pat Lee" in html


def test_the_500_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert VIEWPORT in html and "Sorry, there is a problem with the service" in html


def test_the_site_home_has_no_empty_menu_and_sign_out_names_the_person(client):
    user = get_user_model().objects.create_user(
        "pat", password="x", first_name="Pat", last_name="Lee"
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "govuk-service-navigation__toggle" not in html
    assert "Sign out (Pat Lee)" in html


def _housing_member(org, sign_in):
    from datetime import date

    joined = services.join(
        org,
        display_name="Pat Lee",
        date_of_birth=date(1980, 5, 17),
        email="pat@example.org",
        postcode="NE1 4ST",
        address="1 High Street",
        attestations=["tenant-or-applicant"],
        user=sign_in,
        actor="test",
    )
    return services.admit(joined, actor="test")


def test_a_member_refused_the_register_is_told_what_they_are_and_sent_to_their_membership(client):
    """The 403 used to say only "that sign-in does not hold the role this page needs": now it
    says what the person is in this organisation and links to the pages that are theirs."""
    org = services.create_from_model(model="housing-coop", name="Canalside Housing Co-op")
    user = get_user_model().objects.create_user(
        "pat", password="x", first_name="Pat", last_name="Lee"
    )
    member = _housing_member(org, user)
    client.force_login(user)
    response = client.get(f"/o/{org.slug}/members/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only the membership secretary can see the register." in html
    assert (
        f"In Canalside Housing Co-op you are a member (membership number {member.number}) "
        "and hold no officer role." in html
    )
    assert f'href="/o/{org.slug}/membership/">See your membership</a>' in html
    assert "Sign in as someone else" in html and 'action="/accounts/logout/"' in html
    assert "an administrator of Canalside Housing Co-op" in html


def test_an_officer_refused_a_page_is_sent_to_their_own_role_page(client):
    org = services.create_from_model(model="housing-coop", name="Canalside Housing Co-op")
    user = get_user_model().objects.create_user("rio", password="x", first_name="Rio")
    services.grant_role(org, user, "returning_officer", actor="test")
    client.force_login(user)
    html = client.get(f"/o/{org.slug}/roles/").content.decode()
    assert "In Canalside Housing Co-op you are its returning officer." in html
    assert (
        f'href="/o/{org.slug}/elections/">Go to the elections (you are returning officer)' in html
    )
    assert "See your membership" not in html


def test_someone_with_no_part_in_the_organisation_is_told_so(client):
    org = services.create_from_model(model="housing-coop", name="Canalside Housing Co-op")
    user = get_user_model().objects.create_user("sam", password="x")
    client.force_login(user)
    html = client.get(f"/o/{org.slug}/members/").content.decode()
    assert "In Canalside Housing Co-op you are not a member and hold no role." in html
