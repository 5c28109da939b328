"""Issue 13: the sign-in page said "Username" while everyone invited by email signs in with
that address (their sign-in is named by it, lower-cased). The field says so, keeps
autocomplete=username, and an address matches however it is capitalised."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough pass phrase"
LOGIN = "/accounts/login/"


def test_the_field_is_labelled_for_an_email_address():
    page = Client().get(LOGIN).content.decode()
    assert '<label class="govuk-label" for="id_username">Email address or username</label>' in page
    assert 'autocomplete="username"' in page and 'aria-describedby="id_username-hint"' in page
    assert ">Username<" not in page


@pytest.mark.parametrize("typed", ["ann@example.org", " Ann@Example.ORG ", "ANN@EXAMPLE.ORG"])
def test_an_invited_sign_in_is_found_by_its_address_however_capitalised(typed):
    # As accounts.services.invitations.accept_as_new_user names it: the lower-cased address.
    get_user_model().objects.create_user("ann@example.org", "ann@example.org", PASSWORD)
    client = Client()
    signed_in = client.post(LOGIN, {"username": typed, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.session.get("_auth_user_id")


def test_a_plain_username_still_signs_in_and_a_wrong_password_says_what_to_enter():
    get_user_model().objects.create_user("Secretary", password=PASSWORD)
    assert Client().post(LOGIN, {"username": "Secretary", "password": PASSWORD}).status_code == 302
    wrong = Client().post(LOGIN, {"username": "Secretary", "password": "nope"})
    assert "Enter the email address (or username) and password" in wrong.content.decode()


def test_a_username_longer_than_any_is_refused_in_words_not_a_500(client, db):
    """django-axes records each name tried in 255 characters: a 300-character one was a 500 on
    PostgreSQL (found by tests/accounts/test_sign_in_pages_fuzz.py)."""
    answer = client.post("/accounts/login/", {"username": "x" * 300, "password": "0"})
    assert answer.status_code == 200 and "_auth_user_id" not in client.session
    assert answer.context["form"].errors["username"] == [
        "Enter your email address or username (254 characters at most)"
    ]
