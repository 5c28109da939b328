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
