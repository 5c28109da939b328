"""`check --deploy` warns when the install's mail would not reach anyone."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def mail_is_configured(app_configs=None, **kwargs):
    found = []
    if not getattr(settings, "MUTUALISE_EMAIL_CONFIGURED", True):
        found.append(
            checks.Warning(
                "no mail server is configured: mail goes to an SMTP server on localhost:25",
                hint="set MUTUALISE_EMAIL_URL, e.g. smtp://user:password@mail.example.org:587"
                "?tls=1 (README: Mail)",
                id="mail.W001",
            )
        )
    if settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        found.append(
            checks.Warning(
                f"mail comes from {settings.DEFAULT_FROM_EMAIL}, which no one can answer",
                hint="set MUTUALISE_EMAIL_FROM, e.g. 'Membership <membership@example.org>'",
                id="mail.W002",
            )
        )
    return found
