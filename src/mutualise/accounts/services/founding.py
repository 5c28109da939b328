"""Founding an organisation in the browser: its rulebook (a model as shipped, changed in the
settings form or edited as text) is adopted, and the founder becomes its first administrator,
in one transaction.

Who may found one: a system administrator (a Django superuser of the install) and, where the
install allows it (MUTUALISE_OPEN_FOUNDING=1), anyone signed in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from mutualise.register import services as register
from mutualise.register.models import Role

from .errors import AccountsError, NotPermitted


def may_found(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(getattr(settings, "MUTUALISE_OPEN_FOUNDING", False))


def found_organisation(*, actor, name: str, text: str, source_name: str, model_slug: str = ""):
    """Adopt `text` as a new organisation's first constitution and make `actor` its first
    administrator. A rulebook with any problem raises RulebookError (every problem, by line)
    and nothing is stored."""
    if not may_found(actor):
        raise NotPermitted(
            "Only a system administrator can set up a new organisation on this install."
        )
    name = " ".join((name or "").split())
    if not name:
        raise AccountsError("Enter the organisation's name", field="name")
    if len(name) > 200:
        raise AccountsError("The name must be 200 characters or fewer", field="name")
    with transaction.atomic():
        organisation = register.create_organisation(
            name=name,
            constitution_text=text,
            source_name=source_name,
            actor=actor,
            model_slug=model_slug,
        )
        register.grant_role(organisation, actor, Role.Kind.ADMINISTRATOR, actor=actor)
    return organisation
