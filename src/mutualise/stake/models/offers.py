"""Share offers and the applications made to them, with the money held until the close."""

from __future__ import annotations

from django.db import models

from mutualise.register.models import Member, Organisation


class ShareOffer(models.Model):
    """A time-bound share offer: three targets, a holding range and an oversubscription policy.
    Money is held against applications until the close; then shares are allotted (if the
    minimum is met) or every applicant refunded."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ALLOTTED = "allotted", "Closed and allotted"
        REFUNDED = "refunded", "Closed below the minimum; refunded"

    class Kind(models.TextChoices):
        TIME_BOUND = "time-bound", "Time-bound offer"
        OPEN = "open", "Open offer"
        MEMBERSHIP = "membership", "Membership offer"

    class Policy(models.TextChoices):
        FIRST_COME = "first-come-first-served", "First come, first served"
        PRO_RATA = "pro-rata", "Scaled back pro rata"
        PRIORITY = "priority", "Priority groups, then pro rata"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TIME_BOUND)
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="The last day applications are accepted")
    minimum_pence = models.PositiveBigIntegerField()
    optimum_pence = models.PositiveBigIntegerField()
    maximum_pence = models.PositiveBigIntegerField()
    minimum_holding_pence = models.PositiveBigIntegerField()
    maximum_holding_pence = models.PositiveBigIntegerField(null=True, blank=True)
    policy = models.CharField(max_length=32, choices=Policy.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="share_offer_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_pence__lte=models.F("optimum_pence"))
                & models.Q(optimum_pence__lte=models.F("maximum_pence")),
                name="share_offer_targets_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # The questions pages ask of an offer (its moves are services/offers.py's).
    @property
    def not_yet_closed(self) -> bool:
        """Neither allotted nor refunded: money is held against its applications, none allotted."""
        return self.state == self.State.OPEN

    def takes_applications_on(self, day) -> bool:
        """Open, and `day` within its dates (the rule `services.offers.apply` enforces)."""
        return self.not_yet_closed and self.opens_on <= day <= self.closes_on


class OfferApplication(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(ShareOffer, on_delete=models.PROTECT, related_name="applications")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    shares = models.PositiveIntegerField()
    priority = models.PositiveSmallIntegerField(default=0, help_text="0 first, e.g. residents")
    paid_pence = models.PositiveBigIntegerField(help_text="Held until the offer closes")
    applied_at = models.DateTimeField()
    allotted_shares = models.PositiveIntegerField(null=True, blank=True)
    refunded_pence = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["offer_id", "applied_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "member"], name="offer_application_once"),
            models.CheckConstraint(condition=models.Q(shares__gt=0), name="offer_application_some"),
        ]

    def __str__(self) -> str:
        return f"application for {self.shares} shares in offer {self.offer_id}"
