"""What every page needs: the site's name (the organisation's own, when on its pages) and menu."""

import re

from django.urls import reverse
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from mutualise.register.models import Organisation

from .demo_clock import banner

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def _navigation(request, organisation) -> list[dict]:
    slug = organisation.slug
    items = [
        ("About", reverse("organisation", args=[slug]), True),
        ("Constitution", reverse("constitution", args=[slug]), False),
        ("Elections", reverse("elections:list", args=[slug]), False),
        ("Meetings", reverse("meetings:list", args=[slug]), False),
    ]
    user = request.user
    if has_perm("register.view_register", user, organisation):
        items.append(("Register", reverse("register:members", args=[slug]), False))
    if has_perm("register.manage_roles", user, organisation):
        items.append(("Roles", reverse("accounts:roles", args=[slug]), False))
    if user.is_authenticated:
        items.append(("My membership", reverse("membership", args=[slug]), False))
    else:
        items.append(("Join", reverse("register:join", args=[slug]), False))
    navigation = []
    for text, href, exact in items:
        current = request.path == href if exact else request.path.startswith(href)
        navigation.append({"href": href, "text": text, "current": current})
    return navigation


def _organisation_slug(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match and "slug" in match.kwargs:
        return match.kwargs["slug"]
    # A page not found under /o/<slug>/ still belongs to that organisation's site, and so does
    # a page on the way back to one (the sign-in page's ?next=/o/<slug>/...).
    for path in (request.path, request.GET.get("next", "")):
        parts = path.split("/")
        # Only a slug's characters: a NUL in ?next= was a server error on PostgreSQL.
        if len(parts) > 3 and parts[0] == "" and parts[1] == "o" and SLUG.fullmatch(parts[2]):
            return parts[2]
    return None


def site(request):
    organisation = None
    if slug := _organisation_slug(request):
        organisation = Organisation.objects.filter(slug=slug).first()
    return {
        "demo_clock": banner(),
        "organisation": organisation,
        "site_name": organisation.name if organisation else "mutualise",
        "navigation": _navigation(request, organisation) if organisation else [],
    }
