"""Members' sign-ins: requests made without signing in (claims of a membership, password
resets: throttled, and nothing in them says whether a number or address exists), changes of
details waiting for the membership secretary, and officers' recovery codes.

Imported by models.py so Django sees them as the accounts app's models."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin

from mutualise.register.models import Member, Organisation


class AccountRequest(models.Model):
    """One request made without a sign-in: a claim of a membership or a password reset. Rows
    are the throttle (how many for this number or address, from this client, lately) and, for a
    claim, what the worker checks. No number, date of birth, postcode, address or client
    address is stored in the clear: only keyed digests (accounts/claims.py)."""

    class Kind(models.TextChoices):
        CLAIM = "claim", "Claim of a membership"
        RESET = "reset", "Password reset"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The organisation a claim is for; empty for a password reset (install-wide)",
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    subject_key = models.CharField(max_length=64, help_text="Keyed digest of the number/email")
    client_key = models.CharField(max_length=64, help_text="Keyed digest of the client address")
    details_key = models.CharField(max_length=64, blank=True, help_text="Keyed digest (claims)")
    number = models.PositiveBigIntegerField(null=True, blank=True, help_text="The number tried")
    created_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind", "subject_key", "created_at"], name="account_req_subject"),
            models.Index(fields=["kind", "client_key", "created_at"], name="account_req_client"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["claim", "reset"]), name="account_request_kind_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="claim") | models.Q(organisation__isnull=False),
                name="account_request_claim_names_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk}"


class DetailsChange(models.Model):
    """A change a member asked for that the rulebook's `membership.secretary_confirms` says the
    membership secretary must confirm before the register changes."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for the membership secretary"
        CONFIRMED = "confirmed", "Confirmed"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="details_changes")
    group = models.CharField(max_length=16, help_text="name, address or email")
    changes = models.JSONField(help_text="The new values, by register field")
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["organisation_id", "requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["waiting", "confirmed", "refused", "withdrawn"]),
                name="details_change_state_known",
            ),
            models.UniqueConstraint(
                fields=["member", "group"],
                condition=models.Q(state="waiting"),
                name="details_change_one_waiting_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"change of {self.group} for member {self.member_id} ({self.state})"


class RecoveryCodes(ThrottlingMixin, Device):
    """An officer's set of single-use recovery codes, a second factor for when the
    authenticator app is lost. The codes are shown once; only their SHA-256 is kept (each has
    80 random bits, so the digest cannot be searched back to a code)."""

    created_at = models.DateTimeField(default=timezone.now)

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        # why: django-otp calls the device; the service imports this model (no cycle at the top)
        from .services.recovery import use_recovery_code

        return use_recovery_code(self, token)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_unique")
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"
