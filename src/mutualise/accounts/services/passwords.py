"""Password reset by email, through Django's own tokens (they stop working once the password
changes, or after PASSWORD_RESET_TIMEOUT) and the mail app (`mail.send`: the link travels as
a secret, the outbox keeps no token).

The reset page says the same whether or not the address has a sign-in, and is throttled per
address and per client (accounts/claims.py). A new password is audited in every organisation
where the sign-in is a member or holds a role.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mutualise.audit import services as audit
from mutualise.mail import services as mail
from mutualise.register.models import Organisation

from .. import claims as mechanics
from ..member_models import AccountRequest
from .errors import AccountsError
from .roles import site_url


def organisations_of(user):
    """Every organisation where the sign-in is a member or holds a role."""
    held = Q(members__user=user) | Q(roles__user=user)
    return Organisation.objects.filter(held).distinct().order_by("pk")


def reset_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{site_url()}{reverse('password_reset_confirm', args=[uid, token])}"


def _users_for(email: str):
    users = get_user_model().objects.filter(email__iexact=email, is_active=True)
    return [u for u in users if u.has_usable_password()]


def send_password_reset(email: str, *, client: str) -> int:
    """Mail a reset link to every active sign-in with this address (usually one). Raises
    Throttled; otherwise returns how many were sent, which the page must not show."""
    email = (email or "").strip().lower()
    subject = mechanics.digest("reset", email)
    client_key = mechanics.digest("client", client)
    with transaction.atomic():
        mechanics.check_throttle(AccountRequest.Kind.RESET, subject, client_key)
        AccountRequest.objects.create(
            kind=AccountRequest.Kind.RESET, subject_key=subject, client_key=client_key
        )
        users = _users_for(email) if email else []
        for user in users:
            for organisation in organisations_of(user):
                audit.record(
                    organisation,
                    "account.password_reset_sent",
                    actor="public",
                    data={"user_id": user.pk},
                )
            mail.send(
                organisation=None,
                to=user.email,
                template="accounts/password_reset",
                context={"username": user.get_username()},
                secrets={"link": reset_link(user)},
                reason="password reset",
            )
    return len(users)


def set_new_password(user, password: str, *, how: str = "reset") -> None:
    """Give the sign-in a new password (checked against the validators), audited."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise AccountsError(" ".join(exc.messages), field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        for organisation in organisations_of(user):
            audit.record(
                organisation,
                "account.password_changed",
                actor=user,
                data={"user_id": user.pk, "how": how},
            )
