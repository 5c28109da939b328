"""Who the client is, and the second factor officers sign in with (docs/security.md).

TrustedProxyMiddleware puts the real client address in REMOTE_ADDR, read through the
MUTUALISE_TRUSTED_PROXIES setting, so every throttle (sign-in, voting codes) counts the client and
not the proxy, and a client cannot choose its address by sending the header itself.

TwoFactorMiddleware sends a signed-in returning officer, membership secretary or system
administrator (or a Django superuser) to the two-factor page until the session is verified with
a TOTP code, and ends their sessions on closing the browser or after a working day.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from mutualise.register.models import Role

PRIVILEGED_KINDS = (Role.Kind.OFFICER, Role.Kind.RETURNING_OFFICER, Role.Kind.ADMINISTRATOR)
SIGNED_IN_AT = "mutualise_privileged_since"


def client_address(meta: dict, trusted_proxies: int) -> str:
    """The client's address: REMOTE_ADDR, or with N trusted proxies in front, the address the
    outermost of them saw (the N-th from the right of X-Forwarded-For). Entries left of that
    were written by the client and are ignored."""
    remote = meta.get("REMOTE_ADDR", "")
    if trusted_proxies <= 0:
        return remote
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < trusted_proxies:
        return remote
    return hops[-trusted_proxies][:64]


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proxies = settings.MUTUALISE_TRUSTED_PROXIES
        if proxies:
            request.META["REMOTE_ADDR"] = client_address(request.META, proxies)
        return self.get_response(request)


def needs_second_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or Role.objects.filter(user=user, kind__in=PRIVILEGED_KINDS).exists()


# Pages a privileged user may reach before the second factor: the two-factor page itself,
# signing out, and files.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if needs_second_factor(user):
            session = request.session
            started = session.get(SIGNED_IN_AT)
            if started is None:
                session[SIGNED_IN_AT] = time.time()
                session.set_expiry(0)  # ends when the browser closes
            elif time.time() - started > settings.MUTUALISE_PRIVILEGED_SESSION_SECONDS:
                logout(request)
                messages.info(request, "You were signed out after a working day: sign in again")
                return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
            if not user.is_verified() and not request.path.startswith(_OPEN_PREFIXES):
                return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.path})}")
        return self.get_response(request)
