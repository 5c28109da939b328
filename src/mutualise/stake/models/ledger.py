"""Share accounts and the ledger of every movement on them, in integer pence.

The ledger is append-only: an entry is never changed or deleted (a mistake is put right by a
further entry). Each entry stores the balance after it; the service writes the entry and the
account's balance in one locked transaction, and the database refuses a negative holding or
an entry whose sign does not fit its kind. `services.verify_ledger` re-adds every account.
"""

from __future__ import annotations

from django.db import models

from mutualise.register.models import Member, Organisation


class ShareAccount(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="share_accounts")
    balance_pence = models.BigIntegerField(default=0)
    opened_on = models.DateField()

    class InterestChoice(models.TextChoices):
        RULEBOOK = "", "As the rulebook's default"
        CREDIT = "credit", "Credited to my shares"
        PAY = "pay", "Paid to me"

    # The member's choice (services.choose_interest); read only where the rulebook lets
    # members choose (shares.interest_choice), else its default applies. A database default
    # too: accounts are also opened in bulk by SQL (services/opening.py, the stake bench).
    interest_choice = models.CharField(
        max_length=6, blank=True, default="", db_default="", choices=InterestChoice.choices
    )

    class Meta:
        ordering = ["organisation_id", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "member"], name="share_account_one_per_member"
            ),
            models.CheckConstraint(
                condition=models.Q(balance_pence__gte=0), name="share_account_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"share account of member {self.member_id}"


# The kinds that add to a holding; every other kind takes from it.
_INCREASES = ("allotment", "payment", "transfer-in", "interest")


class Movement(models.Model):
    class Kind(models.TextChoices):
        ALLOTMENT = "allotment", "Shares allotted"
        PAYMENT = "payment", "Payment on shares"
        TRANSFER_IN = "transfer-in", "Transferred in"
        INTEREST = "interest", "Interest credited"
        TRANSFER_OUT = "transfer-out", "Transferred out"
        WITHDRAWAL = "withdrawal", "Withdrawn"
        FORFEIT = "forfeit", "Forfeited"
        DEATH = "death", "Paid out on death"
        BANKRUPTCY = "bankruptcy", "Paid to the trustee in bankruptcy"
        CESSATION = "cessation", "Cancelled on ceasing to be a member"

    INCREASES = _INCREASES

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(ShareAccount, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount_pence = models.BigIntegerField(help_text="Positive in, negative out")
    balance_after_pence = models.BigIntegerField()
    on = models.DateField(help_text="The day the movement takes effect (interest counts from it)")
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)
    counterpart = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["organisation_id", "account_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_after_pence__gte=0), name="movement_never_negative"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=list(_INCREASES), amount_pence__gt=0)
                    | (~models.Q(kind__in=list(_INCREASES)) & models.Q(amount_pence__lt=0))
                ),
                name="movement_sign_fits_kind",
            ),
        ]
        indexes = [models.Index(fields=["account", "on"], name="movement_account_on")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_pence}p on {self.on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a ledger entry is never changed; record a further entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("a ledger entry is never deleted; record a further entry")


class InterestRun(models.Model):
    """A declared rate over a period, posted: each member's part is a ledger entry (credited) or,
    where crediting would pass the maximum holding, an amount paid out."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rate = models.CharField(max_length=40, help_text="The yearly rate as an exact fraction")
    starts_on = models.DateField()
    ends_on = models.DateField()
    total_pence = models.BigIntegerField()
    posted_at = models.DateTimeField()
    posted_by = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="interest_run_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["organisation", "starts_on", "ends_on"], name="interest_run_once"
            ),
        ]

    def __str__(self) -> str:
        return f"interest {self.rate} {self.starts_on}..{self.ends_on}"


class InterestPayment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(InterestRun, on_delete=models.PROTECT, related_name="payments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    amount_pence = models.BigIntegerField()
    movement = models.OneToOneField(
        Movement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_pence__gt=0), name="interest_payment_positive"
            ),
            models.UniqueConstraint(fields=["run", "member"], name="interest_payment_once"),
        ]

    def __str__(self) -> str:
        return f"interest {self.amount_pence}p to member {self.member_id}"


class AssetTransfer(models.Model):
    """Assets passed out of the organisation, recorded only where its asset lock permits."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # why the assets went (asset_lock.Purpose); `dissolution`: paid in winding up
    purpose_kind = models.CharField(max_length=20, default="locked-body")
    dissolution = models.BooleanField(default=False)
    recipient_kind = models.CharField(max_length=40, blank=True)
    recipient_name = models.CharField(max_length=200)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # whose share capital was repaid
    repayment = models.ForeignKey(
        Movement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount_pence = models.PositiveBigIntegerField()
    on = models.DateField()
    purpose = models.CharField(max_length=300)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)

    def __str__(self) -> str:
        return f"{self.amount_pence}p to {self.recipient_name}"
