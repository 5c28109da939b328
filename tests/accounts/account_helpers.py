"""Helpers for the accounts tests (a module of its own: conftest modules clash by name)."""

import re

from django.contrib.auth import get_user_model

from mutualise.register import services as register


def make_user(username, *, org=None, kind=None, email=None, **extra):
    user = get_user_model().objects.create_user(
        username=username, email=email or f"{username}@example.org", password="x" * 16, **extra
    )
    if org is not None and kind is not None:
        register.grant_role(org, user, kind, actor="test")
    return user


def token_from(message) -> str:
    """The token at the end of the invitation link in a sent mail."""
    match = re.search(r"/accounts/invitations/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)
