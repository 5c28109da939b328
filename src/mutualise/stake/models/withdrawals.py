"""Withdrawals of share capital and nominations on death.

A request waits out the rulebook's notice (and any initial moratorium), then is paid when the
board runs the withdrawals: at most the rulebook's yearly share of capital in a financial year,
requests beyond it scaled back equally and the rest left queued. A request lapses, in part or
in whole, when the shares it asks for leave the holding another way (forfeit, cessation, death,
transfer) before it is paid. The board may suspend
withdrawals where the rules give it the power. A nomination names who receives a member's
shares on death, up to the statutory limit (CCBSA 2014 ss.37-40, a rulebook setting).
"""

from __future__ import annotations

from django.db import models

from mutualise.register.models import Member, Organisation


class WithdrawalRequest(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", "Waiting (notice, moratorium or the yearly limit)"
        PAID = "paid", "Paid in full"
        CANCELLED = "cancelled", "Cancelled"
        LAPSED = "lapsed", "Lapsed: the shares asked for are no longer held"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    amount_pence = models.PositiveBigIntegerField()
    paid_pence = models.PositiveBigIntegerField(default=0)
    lapsed_pence = models.PositiveBigIntegerField(
        default=0, help_text="Asked for, but the shares left the holding before they were paid"
    )
    lapse_reason = models.CharField(max_length=300, blank=True)
    requested_on = models.DateField()
    due_on = models.DateField(help_text="The first day it may be paid: notice and moratorium")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["organisation_id", "due_on", "requested_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_pence__gt=0), name="withdrawal_request_some"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    paid_pence__lte=models.F("amount_pence") - models.F("lapsed_pence")
                ),
                name="withdrawal_paid_and_lapsed_at_most_asked",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("requested_on")),
                name="withdrawal_due_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"withdrawal of {self.amount_pence}p by member {self.member_id}"

    @property
    def outstanding_pence(self) -> int:
        return self.amount_pence - self.paid_pence - self.lapsed_pence


class WithdrawalSuspension(models.Model):
    """The board's decision to suspend withdrawals from a day, until it lifts it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    from_on = models.DateField()
    lifted_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    decided_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["organisation_id", "from_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lifted_on__isnull=True)
                | models.Q(lifted_on__gt=models.F("from_on")),
                name="withdrawal_suspension_lifted_after",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(lifted_on__isnull=True),
                name="withdrawal_suspension_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"withdrawals suspended from {self.from_on}"


class Nomination(models.Model):
    """A member's written nomination; a later one revokes it (the book of nominees, revocations
    and variations is this table: nothing is deleted)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    nominee_name = models.CharField(max_length=200)
    nominee_address = models.CharField(max_length=300)
    relationship = models.CharField(max_length=40, blank=True)
    nominee_is_officer_or_employee = models.BooleanField(default=False)
    made_on = models.DateField()
    revoked_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["organisation_id", "member_id", "made_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(revoked_on__isnull=True),
                name="nomination_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"nomination by member {self.member_id}"
