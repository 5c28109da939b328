"""Invitations: a single-use link sent by email that, once accepted, does one thing (grant a
role now; link a member's sign-in later). Only a hash of the link's token is stored."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from mutualise import clock
from mutualise.register.models import Member, Organisation, Role


class Invitation(models.Model):
    class Purpose(models.TextChoices):
        ROLE = "role", "Take on a role"
        MEMBER_ACCOUNT = "member_account", "Sign in as a member"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations"
    )
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    email = models.EmailField(help_text="Where the link was sent; stored in lower case")
    # What accepting does: the role granted (purpose "role"), or the member whose sign-in it
    # becomes (purpose "member_account").
    role_kind = models.CharField(max_length=32, choices=Role.Kind.choices, blank=True)
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
    )
    sent_by_name = models.CharField(max_length=150, help_text="The sender as the audit names them")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=["role", "member_account"]),
                name="invitation_purpose_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(purpose="role") | ~models.Q(role_kind=""),
                name="invitation_role_names_its_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(purpose="member_account") | models.Q(member__isnull=False),
                name="invitation_member_names_its_member",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_sent",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(withdrawn_at__isnull=True),
                name="invitation_accepted_or_withdrawn_not_both",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "purpose"],
                condition=models.Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_open",
            )
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.purpose}) to {self.email}"

    def state(self, now=None) -> str:
        """'accepted', 'withdrawn', 'expired' or 'open'."""
        now = now or clock.now()
        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= now:
            return "expired"
        return "open"


# Members' sign-ins, their requests and officers' recovery codes (a module of their own).
from .member_models import AccountRequest, DetailsChange, RecoveryCode, RecoveryCodes  # noqa: E402, F401
