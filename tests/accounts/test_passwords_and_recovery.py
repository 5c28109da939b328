"""Password reset by email (the link read from the mail sent) and officers' recovery codes
(shown once, stored hashed, single use, audited)."""

import re

import pytest
from account_helpers import make_user
from django.core import mail
from django.test import override_settings

from mutualise.accounts.member_models import AccountRequest, RecoveryCode, RecoveryCodes
from mutualise.accounts.services import NotPermitted, recovery
from mutualise.accounts.tokens import hash_token
from mutualise.audit.models import AuditEvent
from mutualise.mail.models import Message
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
NEW = "a brand new passphrase"


def reset_link(message) -> str:
    match = re.search(r"(/accounts/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def ask(client, email, capture, **extra):
    with capture(execute=True):
        return client.post("/accounts/password-reset/", {"email": email}, **extra)


def test_a_forgotten_password_is_reset_from_the_mailed_link(
    client, coop, django_capture_on_commit_callbacks
):
    sec = make_user("sec", org=coop, kind=Role.Kind.OFFICER, email="sec@example.org")
    response = ask(client, "SEC@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    [message] = mail.outbox
    assert message.to == ["sec@example.org"] and "Choose a new password" in message.subject
    link = reset_link(message)
    assert link.split("/")[-2] not in Message.objects.get().text  # the outbox keeps no token
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    target = form.redirect_chain[-1][0]
    weak = client.post(target, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200 and "too short" in weak.text
    # In the project's words, never Django's ("didn't match", "This field is required.").
    mismatch = client.post(target, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert "The two passwords are not the same" in mismatch.text
    assert "match" not in mismatch.text.split("<main", 1)[1]
    empty = client.post(target, {"new_password1": "", "new_password2": ""})
    assert "Enter a new password" in empty.text and "Type the new password again" in empty.text
    assert "This field is required" not in empty.text
    done = client.post(target, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    sec.refresh_from_db()
    assert sec.check_password(NEW)
    changed = AuditEvent.objects.filter(organisation=coop, action="account.password_changed")
    assert changed.count() == 1 and changed.get().data == {"user_id": sec.pk, "how": "reset"}
    assert AuditEvent.objects.filter(action="account.password_reset_sent").count() == 1
    again = client.get(link, follow=True)  # used: the token died with the old password
    assert "This link has expired" in again.text


def test_an_unknown_address_looks_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    response = ask(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == [] and AccountRequest.objects.count() == 1


def test_a_bad_address_gets_a_clear_error(client):
    response = client.post("/accounts/password-reset/", {"email": "not an address"})
    assert response.status_code == 400 and "Enter your email address" in response.text


@override_settings(MUTUALISE_CLAIM_LIMIT=2)
def test_resets_are_throttled_per_address(client, coop, django_capture_on_commit_callbacks):
    make_user("kim", email="kim@example.org")
    for _ in range(2):
        ask(client, "kim@example.org", django_capture_on_commit_callbacks)
    refused = ask(client, "kim@example.org", django_capture_on_commit_callbacks)
    assert refused.status_code == 429 and "many tries for that email address" in refused.text
    assert len(mail.outbox) == 2


def test_the_reset_pages_are_open_to_an_officer_before_the_second_factor(client, coop):
    sec = make_user("sec", org=coop, kind=Role.Kind.OFFICER)
    client.force_login(sec)
    session = client.session
    session.pop("otp_device_id", None)
    session.save()
    assert client.get("/accounts/password-reset/").status_code == 200


# --- recovery codes ----------------------------------------------------------------------------


@pytest.fixture
def officer(coop):
    """An officer with an authenticator app enrolled (the device tests/two_factor.py uses)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("sec", org=coop, kind=Role.Kind.OFFICER)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def unverified(client, user):
    """Signed in with the password only: the second factor still to come."""
    client.force_login(user)
    session = client.session
    session.pop("otp_device_id", None)
    session.save()


def test_recovery_codes_are_shown_once_stored_hashed_and_audited(client, coop, officer):
    client.force_login(officer)  # password and authenticator (tests/two_factor.py)
    page = client.post("/accounts/two-factor/recovery-codes/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([A-Z0-9-]{19})</code>", page.text)
    assert len(codes) == 10
    stored = set(RecoveryCode.objects.values_list("digest", flat=True))
    assert stored == {hash_token(recovery.normalise(c)) for c in codes}
    assert not any(c in str(stored) or c.replace("-", "") in str(stored) for c in codes)
    assert "<code>" not in client.get("/accounts/two-factor/recovery-codes/").text  # once
    assert AuditEvent.objects.filter(
        organisation=coop, action="account.recovery_codes_made"
    ).exists()


def test_a_recovery_code_signs_in_once_in_place_of_the_app(client, coop, officer):
    codes = recovery.make_recovery_codes(officer, actor=officer)
    unverified(client, officer)
    assert client.get(f"/o/{coop.slug}/members/")["Location"].startswith("/accounts/two-factor/")
    wrong = client.post("/accounts/two-factor/recovery/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 400 and "not right or has been used" in wrong.text
    RecoveryCodes.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    used = client.post(
        "/accounts/two-factor/recovery/",
        {"code": codes[0].lower().replace("-", " "), "next": f"/o/{coop.slug}/members/"},
    )
    assert used.status_code == 302 and used["Location"] == f"/o/{coop.slug}/members/"
    assert client.get(f"/o/{coop.slug}/members/").status_code == 200
    event = AuditEvent.objects.get(organisation=coop, action="account.recovery_code_used")
    assert event.data["codes_left"] == 9
    # Spent: the same code does not work again.
    unverified(client, officer)
    again = client.post("/accounts/two-factor/recovery/", {"code": codes[0]})
    assert again.status_code == 400
    # And signed in by a recovery code, the officer cannot mint a fresh set with it.
    RecoveryCodes.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    client.post("/accounts/two-factor/recovery/", {"code": codes[1]})
    assert client.post("/accounts/two-factor/recovery-codes/").status_code == 403


def test_wrong_recovery_codes_slow_down(client, officer):
    codes = recovery.make_recovery_codes(officer, actor=officer)
    unverified(client, officer)
    client.post("/accounts/two-factor/recovery/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    waited = client.post("/accounts/two-factor/recovery/", {"code": codes[0]})
    assert waited.status_code == 400 and "wait a few seconds" in waited.text


@pytest.mark.parametrize("who", ["someone else", "no authenticator"])
def test_only_the_officer_with_an_authenticator_makes_their_codes(coop, officer, who):
    if who == "someone else":
        with pytest.raises(NotPermitted):
            recovery.make_recovery_codes(officer, actor=make_user("eve"))
    else:
        member = make_user("mo")
        with pytest.raises(NotPermitted, match="authenticator app first"):
            recovery.make_recovery_codes(member, actor=member)
    assert not RecoveryCode.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    for path in ("/accounts/two-factor/recovery-codes/", "/accounts/two-factor/recovery/"):
        assert client.get(path)["Location"].startswith("/accounts/login/")
