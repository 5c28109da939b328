"""The second factor: enrol a TOTP authenticator (QR code, or the secret as text), then verify.

Officers, returning officers and system administrators reach this page after their password
(web/security.py sends them); once a code is accepted the session is verified for its lifetime.
Wrong codes slow down (django-otp's throttling doubles the wait after each failure).
"""

from __future__ import annotations

import base64
import logging

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from .security import needs_second_factor

log = logging.getLogger("mutualise.signin")


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


def grouped_secret(device) -> str:
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def two_factor(request):
    user, target = request.user, _next(request)
    if not needs_second_factor(user) or user.is_verified():
        return redirect(target)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        device = device or TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("code", "").split())
        if not (token.isascii() and token.isdigit() and len(token) == device.digits):
            error = f"Enter the {device.digits}-digit code your authenticator app shows"
        elif not device.verify_is_allowed()[0]:
            error = "Too many wrong codes in a row: wait a few seconds, then enter the code again"
        elif django_otp.verify_token(user, device.persistent_id, token) is None:
            log.warning("second factor refused for user %s", user.pk)
            error = "That code is not right or has expired: enter the code your app shows now"
        else:
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            request.session.cycle_key()  # a new session id once the sign-in is complete
            log.info("second factor %s for user %s", "enrolled" if enrolling else "ok", user.pk)
            if enrolling:
                messages.info(
                    request,
                    format_html(
                        "Two-factor sign-in is set up. In case you lose your phone, make <a "
                        'class="govuk-notification-banner__link" href="{}">recovery codes</a>.',
                        reverse("accounts:recovery_codes"),
                    ),
                )
            return redirect(target)
    title = ("Error: " if error else "") + "Two-factor"  # a refusal says so in the title
    context = {"enrolling": enrolling, "error": error, "next": target, "page_title": title}
    if enrolling:
        context["secret"] = grouped_secret(device)
        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(request, "registration/two_factor.html", context, status=400 if error else 200)
