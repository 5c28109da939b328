"""Founding an organisation in the browser: its rulebook (a model as shipped, changed in the
settings form or edited as text) is adopted, and the founder becomes its first administrator,
in one transaction.

Who may found one: a system administrator (a Django superuser of the install) and, where the
install allows it (MUTUALISE_OPEN_FOUNDING=1), anyone signed in.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from rules import has_perm

from mutualise.register import services as register
from mutualise.register.models import Organisation

from .errors import AccountsError, NotPermitted


def may_found(user) -> bool:
    """The register's rule (register.create_organisation), for an active account."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return has_perm("register.create_organisation", user, None)


# The web address /o/<slug>/: lower-case letters and digits in words joined by single hyphens.
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = (3, 80)  # 80: Organisation.slug's column


def suggest_slug(name: str) -> str:
    """A free web address made from the name ("Riverside Co-op" -> "riverside-co-op", then
    "riverside-co-op-2" if that is taken)."""
    base = slugify(name)[:70].strip("-") or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def slug_problem(slug: str) -> str:
    """What is wrong with a chosen web address, in words, or "" if it may be used."""
    low, high = SLUG_LENGTH
    if not low <= len(slug) <= high:
        return f"The web address must be {low} to {high} characters long"
    if not _SLUG.match(slug):
        return (
            "Use only lower-case letters, digits and single hyphens between words, "
            "for example riverside-co-op"
        )
    if Organisation.objects.filter(slug=slug).exists():
        return f"Another organisation already uses /o/{slug}/: choose a different web address"
    return ""


def found_organisation(
    *, actor, name: str, text: str, source_name: str, model_slug: str = "", slug: str = ""
):
    """Adopt `text` as a new organisation's first constitution and make `actor` its first
    administrator, at the web address `slug` (blank: one made from the name). A rulebook with
    any problem raises RulebookError (every problem, by line) and nothing is stored."""
    if not may_found(actor):
        raise NotPermitted(
            "Only a system administrator can set up a new organisation on this install."
        )
    name = " ".join((name or "").split())
    if not name:
        raise AccountsError("Enter the organisation's name", field="name")
    if len(name) > 200:
        raise AccountsError("The name must be 200 characters or fewer", field="name")
    slug = (slug or "").strip().lower() or suggest_slug(name)
    if problem := slug_problem(slug):
        raise AccountsError(problem, field="slug")
    try:
        with transaction.atomic():
            organisation = register.create_organisation(
                name=name,
                constitution_text=text,
                source_name=source_name,
                actor=actor,
                model_slug=model_slug,
                slug=slug,
                first_administrator=actor,
            )
    except IntegrityError:  # founded at the same moment by someone else
        raise AccountsError(slug_problem(slug) or "Try again", field="slug") from None
    return organisation
