"""A role invitation: sent by mail with a single-use link that expires; only the token's hash is
stored; accepting grants the role (signing the person up if they have no sign-in)."""

from datetime import timedelta

import pytest
from account_helpers import make_user, token_from
from django.core import mail
from django.utils import timezone

from mutualise.accounts import services
from mutualise.accounts.models import Invitation
from mutualise.accounts.tokens import hash_token
from mutualise.audit.models import AuditEvent
from mutualise.register.models import Role


@pytest.fixture
def invite(coop, admin, django_capture_on_commit_callbacks):
    def _invite(email="sam@example.org", kind=Role.Kind.OFFICER):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invite_to_role(coop, email=email, kind=kind, actor=admin)
        return invitation, token_from(mail.outbox[-1])

    return _invite


def test_the_mail_carries_the_link_and_the_database_only_its_hash(invite, coop):
    invitation, token = invite()
    message = mail.outbox[-1]
    assert message.to == ["sam@example.org"]
    assert "membership secretary of Riverside Wholefoods" in message.subject
    assert message.alternatives  # an HTML part too
    assert invitation.token_hash == hash_token(token)
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert token not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert AuditEvent.objects.filter(organisation=coop, action="role.invited").count() == 1


def test_accepting_signed_in_grants_the_role_once(invite, coop):
    invitation, token = invite()
    sam = make_user("sam", email="sam@example.org")
    role = services.accept(token, user=sam)
    assert role.kind == Role.Kind.OFFICER and role.user == sam
    invitation.refresh_from_db()
    assert invitation.accepted_by == sam and invitation.state() == "accepted"
    with pytest.raises(services.InvitationError, match="used already"):
        services.accept(token, user=make_user("eve"))
    assert not Role.objects.filter(user__username="eve").exists()
    actions = list(AuditEvent.objects.filter(organisation=coop).values_list("action", flat=True))
    assert actions[-2:] == ["role.granted", "invitation.accepted"]


def test_accepting_as_a_new_user_makes_the_sign_in_for_the_invited_address(invite, coop):
    _, token = invite()
    user, role = services.accept_as_new_user(
        token, password="correct horse battery staple", full_name="Sam Smith"
    )
    assert user.username == user.email == "sam@example.org"
    assert user.check_password("correct horse battery staple")
    assert role.kind == Role.Kind.OFFICER
    assert AuditEvent.objects.filter(organisation=coop, action="account.created").exists()


def test_a_weak_password_is_refused_and_the_link_still_works(invite):
    _, token = invite()
    with pytest.raises(services.AccountsError) as refused:
        services.accept_as_new_user(token, password="short")
    assert refused.value.field == "password"
    assert services.lookup(token).state() == "open"


def test_an_existing_sign_in_for_the_address_must_sign_in_instead(invite):
    _, token = invite()
    make_user("sam@example.org", email="sam@example.org")
    with pytest.raises(services.AccountsError, match="sign in with it"):
        services.accept_as_new_user(token, password="correct horse battery staple")


def test_an_expired_link_is_refused(invite):
    invitation, token = invite()
    past = timezone.now() - timedelta(days=8)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=past, expires_at=past + timedelta(days=7)
    )
    with pytest.raises(services.InvitationError, match="expired"):
        services.accept(token, user=make_user("sam"))


def test_a_wrong_token_is_refused(invite):
    invite()
    with pytest.raises(services.InvitationError, match="not right"):
        services.accept("not-a-token", user=make_user("sam"))


def test_a_withdrawn_link_is_refused(invite, admin, coop):
    invitation, token = invite()
    services.withdraw(invitation, actor=admin)
    with pytest.raises(services.InvitationError, match="withdrawn"):
        services.accept(token, user=make_user("sam"))
    assert AuditEvent.objects.filter(organisation=coop, action="invitation.withdrawn").exists()


def test_a_new_invitation_replaces_the_open_one(invite):
    first, first_token = invite()
    _, second_token = invite()
    first.refresh_from_db()
    assert first.state() == "withdrawn"
    with pytest.raises(services.InvitationError):
        services.accept(first_token, user=make_user("sam"))
    sam = make_user("sam2", email="sam@example.org")
    assert services.accept(second_token, user=sam).kind == Role.Kind.OFFICER


def test_anonymous_cannot_accept(invite):
    from django.contrib.auth.models import AnonymousUser

    _, token = invite()
    with pytest.raises(services.NotPermitted):
        services.accept(token, user=AnonymousUser())


def test_bad_email_and_unknown_role_say_which_field(coop, admin):
    with pytest.raises(services.AccountsError) as bad:
        services.invite_to_role(coop, email="not an address", kind="officer", actor=admin)
    assert bad.value.field == "email"
    with pytest.raises(services.AccountsError) as bad:
        services.invite_to_role(coop, email="a@example.org", kind="king", actor=admin)
    assert bad.value.field == "role"


def test_a_sign_in_made_meanwhile_is_refused_in_words_not_a_server_error(invite, monkeypatch):
    """Two submits of the new-sign-in form at once (a double click): the second finds the
    address taken only when it saves; it is told to sign in, and the link is not used up."""
    from django.contrib.auth import password_validation

    _, token = invite()
    real = password_validation.validate_password

    def meanwhile(password, user=None, password_validators=None):
        make_user("sam@example.org", email="sam@example.org")  # the other request's sign-in
        return real(password, user, password_validators)

    monkeypatch.setattr(password_validation, "validate_password", meanwhile)
    with pytest.raises(services.AccountsError, match="sign in with it"):
        services.accept_as_new_user(token, password="correct horse battery staple")
    assert services.lookup(token).state() == "open"
