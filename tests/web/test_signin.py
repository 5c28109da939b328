"""Issue 11.2 and 11.4: password guessing is throttled per account and per address; officers,
returning officers and administrators need a second factor and short sessions; a superuser with
no role sees no organisation's register."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from two_factor import current_code

from mutualise.register import services
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough pass phrase"
LOGIN = "/accounts/login/"


@pytest.fixture
def org():
    return services.create_from_model(model="nhs-foundation-trust", name="Trust", actor="test")


def _user(name, org=None, kind=None):
    user = get_user_model().objects.create_user(username=name, password=PASSWORD)
    if kind:
        services.grant_role(org, user, kind, actor="test")
    return user


def _sign_in(client, name, password=PASSWORD, address="10.0.0.1"):
    return client.post(LOGIN, {"username": name, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_forty_wrong_passwords_then_the_right_one_does_not_sign_in():
    _user("ada")
    client = Client()
    for k in range(40):
        _sign_in(client, "ada", "wrong", address=f"10.1.{k}.1")  # a botnet: every try elsewhere
    response = _sign_in(client, "ada", address="10.9.9.9")
    assert response.status_code == 429 and not _signed_in(client)
    assert "too many wrong passwords" in response.content.decode()


def test_one_address_guessing_many_accounts_is_stopped_but_others_are_not():
    _user("ben")
    client = Client()
    for k in range(12):
        _sign_in(client, f"nobody{k}", "wrong", address="10.2.0.1")
    assert _sign_in(client, "ben", address="10.2.0.1").status_code == 429
    other = Client()
    _sign_in(other, "ben", address="10.3.0.1")
    assert _signed_in(other)


@pytest.mark.parametrize(
    "kind", [Role.Kind.OFFICER, Role.Kind.RETURNING_OFFICER, Role.Kind.ADMINISTRATOR]
)
def test_privileged_roles_enrol_and_pass_a_second_factor(org, kind):
    user = _user("officer", org, kind)
    client = Client()
    response = _sign_in(client, "officer")
    register = f"/o/{org.slug}/members/"
    page = client.get(register)
    assert page.status_code == 302 and page["Location"].startswith("/accounts/two-factor/")
    enrol = client.get("/accounts/two-factor/")
    assert b"Set up two-factor sign-in" in enrol.content and b"data:image/svg+xml" in enrol.content
    assert client.post("/accounts/two-factor/", {"code": "000000"}).status_code == 400
    assert client.get(register).status_code == 302  # a wrong code verifies nothing
    refused = client.post("/accounts/two-factor/", {"code": current_code(user)})
    assert b"Too many wrong codes" in refused.content  # each failure doubles the wait
    time.sleep(1.1)
    response = client.post("/accounts/two-factor/", {"code": current_code(user), "next": register})
    assert response.status_code == 302 and response["Location"] == register
    if kind != Role.Kind.RETURNING_OFFICER:
        assert client.get(register).status_code == 200
    # Next time: the code from the enrolled app, no new enrolment.
    again = Client()
    _sign_in(again, "officer")
    verify = again.get("/accounts/two-factor/")
    assert b"Enter your sign-in code" in verify.content and b"data:image" not in verify.content


def test_a_member_needs_no_second_factor(org):
    _user("member")
    client = Client()
    _sign_in(client, "member")
    assert client.get("/").status_code == 200
    assert client.session.get_expire_at_browser_close() is False


def test_officer_sessions_end_with_the_browser_and_after_a_working_day(org, settings):
    user = _user("sec", org, Role.Kind.OFFICER)
    client = Client()
    _sign_in(client, "sec")
    client.get("/accounts/two-factor/")  # enrolment shows the new key
    client.post("/accounts/two-factor/", {"code": current_code(user)})
    assert client.get(f"/o/{org.slug}/members/").status_code == 200
    assert client.session.get_expire_at_browser_close()
    session = client.session
    session["mutualise_privileged_since"] = (
        time.time() - settings.MUTUALISE_PRIVILEGED_SESSION_SECONDS - 1
    )
    session.save()
    response = client.get(f"/o/{org.slug}/members/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not _signed_in(client)


@pytest.mark.parametrize("weak", ["password123", "12345678901234", "short-1A!", "ada lovelace ada"])
def test_weak_passwords_are_refused(weak):
    user = get_user_model()(username="ada lovelace ada", first_name="Ada")
    with pytest.raises(ValidationError):
        validate_password(weak, user)


def test_a_superuser_with_no_role_sees_no_register_export_or_console(org, client):
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    for path in ["members/", "members/export.csv", "members/report/", "members/import/"]:
        response = client.get(f"/o/{org.slug}/{path}")
        assert response.status_code in (403, 404), path
    assert b"Register" not in client.get(f"/o/{org.slug}/").content


def test_the_sign_in_page_is_titled_mutualise_not_the_host(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "mutualise</title>" in page
    assert "testserver" not in page  # Django's site_name is the request's host


def test_the_sign_in_page_on_the_way_to_an_organisation_offers_its_members_the_claim(client, org):
    claim = f"/o/{org.slug}/sign-in/claim/"
    page = client.get(f"{LOGIN}?next=/o/{org.slug}/membership/").content.decode()
    assert claim in page
    for elsewhere in ("/", "/o/", "/o/no-such-org/membership/", "//o/x/y/", "https://evil/o/x/"):
        response = client.get(LOGIN, {"next": elsewhere})
        assert response.status_code == 200 and "/sign-in/claim/" not in response.text, elsewhere


def test_after_enrolling_the_message_links_to_the_recovery_codes(org):
    """The message is a real link (safe HTML from format_html), not a URL in brackets."""
    user = _user("officer", org, Role.Kind.OFFICER)
    client = Client()
    _sign_in(client, "officer")
    client.get("/accounts/two-factor/")  # enrolment shows the new key
    page = client.post("/accounts/two-factor/", {"code": current_code(user)}, follow=True)
    html = page.content.decode()
    link = (
        '<a class="govuk-notification-banner__link" href="/accounts/two-factor/recovery-codes/">'
        "recovery codes</a>"
    )
    assert link in html
    assert "(/accounts/two-factor/recovery-codes/)" not in html and "&lt;a" not in html


def test_a_refused_code_says_error_in_the_title(org):
    """The second factor's refusals (and the recovery code's) were 400s titled as if all was
    well: GOV.UK puts "Error:" first in the title, which a screen reader reads first."""
    _user("officer", org, Role.Kind.OFFICER)
    client = Client()
    _sign_in(client, "officer")
    for url in ("/accounts/two-factor/", "/accounts/two-factor/recovery/"):
        refused = client.post(url, {"code": "12"})
        assert refused.status_code == 400 and "<title>Error:" in refused.content.decode()
