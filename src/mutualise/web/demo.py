"""The demo organisation `make demo` serves: an NHS foundation trust with officers to sign in as.

Loading is idempotent: run it again and it finds what it made before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from mutualise.register import services
from mutualise.register.models import Organisation, Role

DEMO_SLUG = "northshire-nhs-ft"
DEMO_NAME = "Northshire Community Health NHS Foundation Trust"
DEMO_PASSWORD = "mutual-demo-2026"
DEMO_USERS = [
    ("secretary", Role.Kind.OFFICER),
    ("returning-officer", Role.Kind.RETURNING_OFFICER),
    ("chair", Role.Kind.CHAIR),
    ("admin", Role.Kind.ADMINISTRATOR),
]


@dataclass
class DemoInfo:
    organisation: Organisation
    usernames: list[str]

    def describe(self, address: str) -> str:
        lines = [
            f"mutualise demo: {self.organisation.name}",
            f"  open      {address}o/{self.organisation.slug}/",
            f"  sign in   {address}accounts/login/",
        ]
        lines += [
            f"            user {name!r}, password {DEMO_PASSWORD!r}" for name in self.usernames
        ]
        return "\n".join(lines)


def load() -> DemoInfo:
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    if organisation is None:
        organisation = services.create_from_model(
            model="nhs-foundation-trust", name=DEMO_NAME, slug=DEMO_SLUG, actor="demo"
        )
    User = get_user_model()
    with transaction.atomic():
        for username, kind in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            services.grant_role(organisation, user, kind, actor="demo")
    return DemoInfo(organisation, [u for u, _ in DEMO_USERS])
