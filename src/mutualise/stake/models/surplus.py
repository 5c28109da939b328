"""A year's surplus allocated in the rulebook's order: a run of pots (reserves, interest,
patronage dividend, an equal percentage of pay, community purposes), previewed, approved by the
resolution the rulebook requires, then posted; the pots paid to members are split into
payments by largest remainder, so every total is exact to the penny."""

from __future__ import annotations

from django.db import models

from mutualise.register.models import Member, Organisation


class SurplusRun(models.Model):
    class State(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        APPROVED = "approved", "Approved"
        POSTED = "posted", "Posted"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year_ending = models.DateField(help_text="The financial year the surplus is of")
    surplus_pence = models.BigIntegerField()
    distributable_pence = models.BigIntegerField(null=True, blank=True, help_text="CIC cap")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    # The approval: the resolution kind the rulebook requires (or "board"), when and where.
    approved_by_kind = models.CharField(max_length=63, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    approval_reference = models.CharField(max_length=200, blank=True)
    resolution_id = models.BigIntegerField(null=True, blank=True, help_text="meetings.Resolution")
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "year_ending", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(surplus_pence__gte=0), name="surplus_run_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"surplus for the year ending {self.year_ending}"


class SurplusPot(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(SurplusRun, on_delete=models.CASCADE, related_name="pots")
    position = models.PositiveSmallIntegerField(help_text="Its place in the rulebook's order")
    use = models.CharField(max_length=32)
    amount_pence = models.BigIntegerField()
    rate = models.CharField(max_length=40, blank=True, help_text="Of pay, for a bonus")
    basis_pence = models.BigIntegerField(null=True, blank=True, help_text="Trade or pay in all")

    class Meta:
        ordering = ["run_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "use"], name="surplus_pot_one_per_use"),
            models.CheckConstraint(
                condition=models.Q(amount_pence__gte=0), name="surplus_pot_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use}: {self.amount_pence}p"


class SurplusPayment(models.Model):
    """One member's part of a pot paid to members, with the trade or pay it was in proportion to."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pot = models.ForeignKey(SurplusPot, on_delete=models.PROTECT, related_name="payments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    basis_pence = models.BigIntegerField()
    amount_pence = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pot", "member"], name="surplus_payment_once"),
            models.CheckConstraint(
                condition=models.Q(amount_pence__gte=0), name="surplus_payment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_pence}p to member {self.member_id}"
