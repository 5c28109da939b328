"""PostgreSQL's text cannot hold NUL: a NUL in any field of any form was a server error there
wherever a service forgot to check. The request-wide guard (web/nul_guard.py) refuses a NUL in
the web address, any GET or POST field's value or name, with a 400 page in the site's layout
that names the field, and nothing is written. Runs on both databases."""

import pytest
from django.contrib.auth import get_user_model
from post_fuzz import check, state

from mutualise.register import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return services.create_from_model(model="housing-coop", name="Canalside Housing Co-op")


def _refused(response, field: str):
    check(response)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "NUL character" in page
    assert f"{field}" in page, page[:3000]
    return page


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("/o/{slug}/join/", {"display_name": "Pat\x00Jones", "postcode": "NE1 4ST"},
         "form field &quot;display_name&quot;"),
        ("/o/{slug}/sign-in/claim/", {"number": "1", "postcode": "NE1\x00"},
         "form field &quot;postcode&quot;"),
        ("/accounts/password-reset/", {"email": "a\x00@example.org"},
         "form field &quot;email&quot;"),
        ("/accounts/login/", {"username": "x", "password": "\x00"},
         "form field &quot;password&quot;"),
        ("/o/{slug}/join/", {"display\x00name": "Pat"}, "form field &quot;display\\0name&quot;"),
    ],
)  # fmt: skip
def test_a_nul_in_a_form_is_refused_in_words_and_nothing_is_written(client, org, path, data, field):
    before = state()
    page = _refused(client.post(path.format(slug=org.slug), data), field)
    assert "Nothing was saved" in page
    assert state() == before


def test_a_nul_in_a_signed_in_members_form_is_refused(client, org):
    user = get_user_model().objects.create_user("pat")
    client.force_login(user)
    before = state()
    _refused(
        client.post(f"/o/{org.slug}/roles/", {"action": "invite", "email": "\x00"}),
        "form field &quot;email&quot;",
    )
    assert state() == before


def test_a_nul_in_the_address_or_its_query_is_refused(client, org):
    _refused(client.get(f"/o/{org.slug}/members/", {"q": "a\x00"}), "address field &quot;q&quot;")
    # ?next= is read by every page to find its organisation: the refusal page too.
    _refused(client.get("/accounts/login/", {"next": "/o/a\x00b/x/"}), "&quot;next&quot;")
    _refused(client.get(f"/o/{org.slug}/%00/"), "The web address")


def test_ordinary_forms_still_reach_their_views(client, org):
    response = client.post(f"/o/{org.slug}/join/", {"display_name": "Pat Jones"})
    assert response.status_code == 400 and "NUL" not in response.content.decode()
