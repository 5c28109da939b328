"""Recovery codes: a second factor for an officer whose authenticator app is lost.

An officer signed in with their authenticator makes a set of codes (a new set replaces the
old); the page shows them once and only their SHA-256 is kept. Each code signs in once, in
place of the app's code, and is then spent. Making a set and spending a code are audited in
every organisation where the officer holds a role. Wrong codes slow down as the app's do.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.register.models import Organisation

from ..member_models import RecoveryCode, RecoveryCodes
from ..tokens import hash_token
from .errors import NotPermitted

HOW_MANY = 10
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, none mistaken for another
GROUPS, GROUP = 4, 4  # 16 symbols: 80 bits


def _new_code() -> str:
    text = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP))
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:64]


def _officer_organisations(user):
    return Organisation.objects.filter(roles__user=user).distinct().order_by("pk")


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def codes_left(user) -> int:
    return RecoveryCode.objects.filter(
        device__user=user, device__confirmed=True, used_at__isnull=True
    ).count()


def make_recovery_codes(user, *, actor) -> list[str]:
    """A new set of codes for `user` (only the user themselves, with an authenticator
    enrolled). Returns the codes, to show once."""
    if actor is not user and getattr(actor, "pk", None) != user.pk:
        raise NotPermitted("Only you can make your recovery codes.")
    if not has_authenticator(user):
        raise NotPermitted("Set up your authenticator app first; recovery codes stand in for it.")
    codes = [_new_code() for _ in range(HOW_MANY)]
    with transaction.atomic():
        replaced = RecoveryCodes.objects.filter(user=user).count()
        RecoveryCodes.objects.filter(user=user).delete()
        device = RecoveryCodes.objects.create(user=user, name="recovery codes", confirmed=True)
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, digest=hash_token(normalise(c))) for c in codes
        )
        for organisation in _officer_organisations(user):
            audit.record(
                organisation,
                "account.recovery_codes_made",
                actor=user,
                data={"user_id": user.pk, "codes": HOW_MANY, "replaced_a_set": bool(replaced)},
            )
    return codes


def use_recovery_code(device: RecoveryCodes, code: str) -> bool:
    """Spend one code of the device (django-otp calls this as the device's verify_token)."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    digest = hash_token(normalise(code))
    with transaction.atomic():
        found = (
            RecoveryCode.objects.select_for_update()
            .filter(device=device, digest=digest, used_at__isnull=True)
            .first()
        )
        if found is None:
            device.throttle_increment()
            return False
        found.used_at = clock.now()
        found.save(update_fields=["used_at"])
        device.throttle_reset()
        left = RecoveryCode.objects.filter(device=device, used_at__isnull=True).count()
        for organisation in _officer_organisations(device.user):
            audit.record(
                organisation,
                "account.recovery_code_used",
                actor=device.user,
                data={"user_id": device.user_id, "codes_left": left},
            )
    return True
