"""The demo `make demo` loads: one organisation for each of the twelve model rulebooks, each with
its members, officers and sign-ins and something to do now (a poll open, a poll closed and ready
to count, a meeting on notice, one in session), and a demo administrator who moves the demo
clock (mutualise/clock.py) so a timetable weeks long is walked in minutes.

A layer above the apps (pyproject's import-linter layers): it builds only through their services.
Loading is all or nothing (one transaction) and idempotent: an organisation already there is
left as it is, so a second run changes nothing. It is refused outright outside demo installs, as
the demo clock is: its sign-ins share one published password and its system administrator is a
superuser, which must never reach a real install's database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from . import (
    bodies,
    building_society,
    common,
    community_mutual,
    cooperative_society,
    council_board,
    credit_union,
    energy_coop,
    housing_coop,
    nhs_trust,
    partnership,
    service_mutual,
    supporters_trust,
    trust_school,
)
from .common import PASSWORD, DemoInfo, DemoRefused, allowed, current_code, refuse_unless_allowed

# One per model rulebook, in the order they are printed.
ORGANISATIONS = [
    nhs_trust,
    supporters_trust,
    energy_coop,
    housing_coop,
    credit_union,
    building_society,
    trust_school,
    partnership,
    service_mutual,
    community_mutual,
    council_board,
    cooperative_society,
]
ADMIN_USER = "demo-admin"

__all__ = [
    "ADMIN_USER", "ORGANISATIONS", "PASSWORD", "Demo", "DemoInfo", "DemoRefused", "allowed",
    "current_code", "load",
]  # fmt: skip


@dataclass
class Demo:
    organisations: list[DemoInfo]
    admin_key: str

    def describe(self, address: str) -> str:
        lines = [
            "mutualise demo: twelve organisations, one for each model rulebook",
            f"  every sign-in's password is {PASSWORD!r}; sign in at {address}accounts/login/",
            "  officers also need a code after the password: add their key to an authenticator",
            "  app, or print the current code: .venv/bin/mutualise demo --code USER",
            f"  system administrator: {ADMIN_USER!r} (2FA key {self.admin_key}); found a new",
            f"  organisation from a model rulebook at {address}organisations/new/",
            f"  demo clock: sign in as {ADMIN_USER!r} or any officer and move time forward at",
            f"  {address}demo/clock/",
            "",
        ]
        for info in self.organisations:
            lines += [info.describe(address), ""]
        return "\n".join(lines).rstrip()

    def get(self, slug: str) -> DemoInfo:
        return next(i for i in self.organisations if i.organisation.slug == slug)


def load() -> Demo:
    """Load every demo organisation that is not there yet, in one transaction."""
    refuse_unless_allowed()
    with transaction.atomic():
        admin = common.user(ADMIN_USER)
        if not admin.is_superuser:  # the demo's system administrator (no service makes one)
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        key = common.authenticator(admin)
        infos = []
        for module in ORGANISATIONS:
            info = module.load()
            if getattr(module, "SEAT_BODIES", True):
                bodies.seat_bodies(info.organisation)
            infos.append(info)
        return Demo(infos, key)
