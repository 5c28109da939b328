"""Completing the second factor in tests, as an officer with an authenticator app would.

`current_code(user)` is what the user's app shows now (the next step's code if this one was just
used, since a code is accepted once). `verify_session(client, user)` marks a test client's session
as having passed the second factor, as tests/conftest.py does after every force_login.
"""

from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def current_code(user_or_device) -> str:
    device = user_or_device
    if not isinstance(device, TOTPDevice):
        device = TOTPDevice.objects.filter(user=user_or_device).order_by("-confirmed", "pk").first()
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t - totp.t() + 1)  # within the drift tolerance
    return f"{totp.token():0{device.digits}d}"


def verify_session(client, user) -> None:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
