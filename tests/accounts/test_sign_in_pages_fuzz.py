"""Issue 11.5 for the sign-in pages: the password form, signing out, the second factor, the
reset link's new-password form, making recovery codes and signing in with one. Arbitrary
values, posted by the person the page is for and by someone it is not for, never give a 500;
a refusal changes nothing but the page's own attempt counters."""

import pytest
from account_helpers import make_user
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st
from post_fuzz import FUZZ, VALUES, check, form, has_nul, post

from mutualise.accounts.services import recovery
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
COVERS = (
    "login", "logout", "two_factor", "password_reset_confirm", "accounts:recovery_codes",
    "accounts:use_recovery_code",
)  # fmt: skip
# Each wrong code is counted on the device's own row (django-otp's throttle).
DEVICES = ("otp_totp_totpdevice", "accounts_recoverycodes")
NEXT = st.one_of(VALUES, st.sampled_from(["/", "//evil.example/", "https://evil.example/x"]))


@pytest.fixture
def officer(coop):
    user = make_user("sec", org=coop, kind=Role.Kind.OFFICER)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    recovery.make_recovery_codes(user, actor=user)
    return user


def _unverified(client, user):
    """Signed in with the password only: the second factor still to come."""
    client.force_login(user)
    session = client.session
    session.pop("otp_device_id", None)
    session.save()


@FUZZ
@given(data=form(["username", "password", "next"]), signed_in=st.booleans())
def test_the_sign_in_and_sign_out_forms_never_fail(client, coop, officer, data, signed_in):
    if signed_in:
        client.force_login(officer)
    post(client, "/accounts/login/", data)
    post(client, "/accounts/logout/", data)


@FUZZ
@given(data=form(["code", "next"]), enrolled=st.booleans())
def test_the_second_factor_never_fails(client, coop, officer, data, enrolled):
    """An officer with an app, or one enrolling (no confirmed device yet); the code guessed."""
    _unverified(client, officer)
    devices = TOTPDevice.objects.filter(user=officer)
    devices.exclude(pk=devices.order_by("pk").first().pk).delete()  # one, as enrolling leaves
    devices.update(confirmed=enrolled)
    post(client, "/accounts/two-factor/", data, attempts=DEVICES)
    post(client, "/accounts/two-factor/recovery/", data, attempts=DEVICES)


@FUZZ
@given(data=form(["code", "next", "action"]), who=st.sampled_from(["officer", "member", "anon"]))
def test_making_recovery_codes_never_fails(client, coop, officer, data, who):
    """Only an officer signed in with the app makes codes; a member has no app: refused."""
    client.logout()  # the client is the test's: each example starts signed out
    if who == "officer":
        client.force_login(officer)
    elif who == "member":  # a member with no role signs in with the password alone
        _unverified(client, get_user_model().objects.get_or_create(username="plain-member")[0])
    answer = post(client, "/accounts/two-factor/recovery-codes/", data)
    assert who == "officer" or has_nul(data) or answer.status_code in (302, 403)


@FUZZ
@given(
    data=form(["new_password1", "new_password2"]),
    uid=st.one_of(VALUES, st.just("")).filter(lambda v: "/" not in v and v),
    token=st.from_regex(r"[-a-zA-Z0-9_.]{1,80}", fullmatch=True),
)
def test_the_reset_links_new_password_form_never_fails(client, officer, data, uid, token):
    """The mailed link (its token moved into the session, as Django does) and made-up links."""
    good = urlsafe_base64_encode(force_bytes(officer.pk))
    link = f"/accounts/reset/{good}/{default_token_generator.make_token(officer)}/"
    target = client.get(link)["Location"] if client.get(link).status_code == 302 else link
    post(client, target, data)
    check(client.post(f"/accounts/reset/{uid}/{token}/", data))
