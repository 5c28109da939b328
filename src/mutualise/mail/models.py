"""The outbox: every message the install sends, recorded in the transaction of the change that
sends it, and what became of it (services.py writes them, delivery.py sends them).

A message's secret values (a voting code) are never in its stored body: the body holds a
placeholder (⟦code⟧) and the value waits in `secrets` until the message is sent or given up,
when it is cleared, so the outbox keeps what was said without the keys to anyone's ballot.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

# ⟦name⟧: where a secret value goes in a stored body, until the message is sent.
PLACEHOLDER = "\u27e6{}\u27e7"


class Status(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"
    BOUNCED = "bounced", "Address refused"


FINAL = (Status.SENT, Status.FAILED, Status.BOUNCED)
MAY_HAVE_GONE_OUT = "may have gone out"  # in the last_error delivery.py writes for such a failure


class Attachment(models.Model):
    """A file sent with messages; one row however many messages carry it (a meeting's notice)."""

    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class Message(models.Model):
    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mail_messages",
        help_text="Empty for the install's own mail (a system administrator's invitation)",
    )
    to = models.CharField(max_length=254, help_text="The one recipient")
    from_address = models.CharField(max_length=254)
    reason = models.CharField(max_length=60, help_text="Why it was sent, e.g. voting-code")
    template = models.CharField(max_length=120)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    secrets = models.JSONField(default=dict, blank=True, help_text="Cleared once it is sent")
    attachments = models.ManyToManyField(
        Attachment, blank=True, related_name="messages", through="MessageAttachment"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, help_text="The server's reply, or what failed")
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True, help_text="The worker sending it")
    message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    resent_as = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resend_of",
        help_text="The copy sent anew after this one failed (to a corrected address)",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_due"),
            models.Index(fields=["organisation", "created_at"], name="mail_by_organisation"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="mail_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="mail_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINAL

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour for its status in the outbox (cosmetic)."""
        if self.status == Status.SENT:
            return "govuk-tag--green"
        return (
            "govuk-tag--red"
            if self.status in (Status.FAILED, Status.BOUNCED)
            else "govuk-tag--grey"
        )

    @property
    def may_have_gone_out(self) -> bool:
        """Failed after the server had the whole message, or while its worker was handing it
        over (delivery.py): it may have been delivered, so it is never sent again."""
        return self.status == Status.FAILED and MAY_HAVE_GONE_OUT in self.last_error


class MessageAttachment(models.Model):
    """One attachment carried by one message; its organisation is the message's (empty for the
    install's own mail). Add with through_defaults={"organisation": message.organisation}."""

    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(Message, on_delete=models.CASCADE)
    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "attachment"], name="message_attachment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attachment_id} with {self.message_id}"


class SendingPace(models.Model):
    """The install's one sending rate, shared by every worker (pace.py): the earliest moment,
    in seconds since the epoch, at which the next message may be handed to the mail server."""

    name = models.CharField(max_length=40, unique=True, default="smtp")
    next_slot = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return self.name


class Bounce(models.Model):
    """An address the mail server behind ours reported it could not deliver to, for good (a
    delivery status notification, RFC 3464, read by bounces.py): shown to the membership
    secretary beside the member, until the address is changed or the bounce is cleared."""

    organisation = models.ForeignKey(
        "register.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mail_bounces",
        help_text="Empty for the install's own mail",
    )
    address = models.CharField(max_length=254)
    status = models.CharField(max_length=20, help_text="The DSN's status, e.g. 5.1.1")
    diagnostic = models.TextField(blank=True, help_text="What the remote server said")
    reported_by = models.CharField(max_length=254, blank=True, help_text="The reporting MTA")
    count = models.PositiveIntegerField(default=1)
    first_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now)
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The latest message that bounced",
    )  # fmt: skip
    cleared_at = models.DateTimeField(null=True, blank=True)
    reports = models.JSONField(
        default=list, blank=True,
        help_text="Digests of the reports recorded against the address alone (bounces.py)",
    )  # fmt: skip

    class Meta:
        ordering = ["-last_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "address"], name="mail_bounce_once_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} bouncing ({self.status})"
