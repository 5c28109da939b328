"""The one way the apps send mail.

    from mutualise.mail import services as mail
    mail.send(organisation=org, to="a@example.org", template="register/invitation",
              context={"link": url}, reason="invitation")

`template` names three files under an app's `templates/mail/`: `<template>.subject.txt`,
`<template>.txt` and, optionally, `<template>.html`. The message goes out only if the caller's
transaction commits (a refused change sends nothing). `organisation` may be None for mail of the
install itself (a system administrator's invitation).

This first version renders and hands the message to Django's configured backend on commit; the
recorded outbox, per-recipient failures and batched sending by the worker replace its insides
without changing this signature.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string


def from_address(organisation) -> str:
    return getattr(settings, "DEFAULT_FROM_EMAIL", "mutualise@localhost")


def render(template: str, context: dict) -> tuple[str, str, str | None]:
    subject = " ".join(render_to_string(f"mail/{template}.subject.txt", context).split())
    text = render_to_string(f"mail/{template}.txt", context)
    try:
        html = render_to_string(f"mail/{template}.html", context)
    except TemplateDoesNotExist:
        html = None
    return subject, text, html


def send(*, organisation, to: str, template: str, context: dict, reason: str) -> None:
    """Send one message to one recipient when the current transaction commits."""
    context = {"organisation": organisation, **context}
    subject, text, html = render(template, context)

    def deliver():
        message = EmailMultiAlternatives(subject, text, from_address(organisation), [to])
        if html:
            message.attach_alternative(html, "text/html")
        message.send()

    transaction.on_commit(deliver)
