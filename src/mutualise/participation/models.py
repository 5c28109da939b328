"""Members as co-producers: proposals they back, participatory budgets they decide, and a
delivery record for every decision. Money is integer pence; every table carries organisation.

Secrecy of budget ballots (docs/secrecy.md, the elections design): `BudgetVoteRecord` says who
has voted; `HeldBudgetBallot` holds the ballot sealed (unreadable without the key kept outside the
database) beside it, written in the same transaction; the mixer (mixing.py) opens shuffled
batches of at least K into `BudgetBallot` (a random id, no time, member or order) and rewrites
the batch's vote records under fresh random keys. All four are WITHOUT ROWID on SQLite.
"""

from __future__ import annotations

import uuid

from django.db import models

from mutualise.register.models import Member, Organisation

from .lifecycle import BudgetState, ProposalState
from .questions import BudgetQuestions, DeliveryQuestions, ProposalQuestions


class Proposal(ProposalQuestions, models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    cost_pence = models.PositiveBigIntegerField(null=True, blank=True)
    area = models.CharField(max_length=120, blank=True)
    constituency_id = models.CharField(max_length=80, blank=True)
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=20, choices=ProposalState.choices, default=ProposalState.OPEN
    )
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    threshold = models.PositiveIntegerField(help_text="Supporters needed, fixed when opened")
    supporters = models.PositiveIntegerField(default=0)
    route = models.CharField(max_length=20, help_text="Where it goes if it reaches the threshold")
    routed_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=200, blank=True)
    # Routed to a general meeting: the resolution it was put as (None while it waits for a
    # draft meeting, or again if the resolution is taken off a draft agenda).
    resolution = models.OneToOneField(
        "meetings.Resolution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members_proposal",
    )

    class Meta:
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="proposal_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opened_at")),
                name="proposal_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.number}: {self.title}"


class ProposalSupport(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    supported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "member"], name="proposal_support_once_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"support for proposal {self.proposal_id}"


class Budget(BudgetQuestions, models.Model):
    """A participatory budget: a pot, its projects, its phases and its count."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    pot_pence = models.PositiveBigIntegerField()
    state = models.CharField(max_length=20, choices=BudgetState.choices, default=BudgetState.DRAFT)
    # From the rulebook's participation.budgets when created; fixed once voting opens.
    rule = models.CharField(max_length=16)
    greedy_completion = models.BooleanField(default=False)
    ballot_kind = models.CharField(max_length=16)
    min_projects = models.PositiveIntegerField(default=0)
    max_projects = models.PositiveIntegerField(null=True, blank=True)
    spending_limit = models.BooleanField(default=False)
    points = models.PositiveIntegerField(default=10)
    max_score = models.PositiveIntegerField(default=5)
    ranks = models.PositiveIntegerField(default=3)
    # Who may vote, besides being an admitted member: blank means anyone.
    constituency_id = models.CharField(max_length=80, blank=True)
    local_authority_code = models.CharField(max_length=9, blank=True)
    minimum_age = models.PositiveIntegerField(null=True, blank=True)
    voting_opens_at = models.DateTimeField(null=True, blank=True)
    voting_closes_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)  # budgeting.BudgetResult.as_dict()
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-pk"]

    def __str__(self) -> str:
        return self.title


class BudgetProject(models.Model):
    class Review(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        ACCEPTED = "accepted", "On the ballot"
        LEFT_OUT = "left_out", "Left out"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(max_length=20, help_text="Its id on the ballot and in the .pb file")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    cost_pence = models.PositiveBigIntegerField()
    area = models.CharField(max_length=120, blank=True)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review = models.CharField(max_length=10, choices=Review.choices, default=Review.PENDING)
    review_reason = models.TextField(blank=True, help_text="Published: why it was left out")
    funded = models.BooleanField(null=True, blank=True)  # None until counted
    outcome = models.TextField(blank=True, help_text="Published: why it won or lost")

    class Meta:
        ordering = ["budget", "code"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "code"], name="budget_project_unique_code"),
            models.CheckConstraint(
                condition=~models.Q(review="left_out") | ~models.Q(review_reason=""),
                name="budget_project_left_out_has_reason",
            ),
            models.CheckConstraint(condition=models.Q(cost_pence__gt=0), name="project_costs"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class BudgetVoteRecord(models.Model):
    """That a member has voted in a budget. Not the vote. A random key, rewritten by the mixer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, default="online")  # online | paper

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget", "member"], name="budget_vote_once")
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} voted in budget {self.budget_id}"


class HeldBudgetBallot(models.Model):
    """A ballot cast and not yet mixed: its choices and its vote record's key, sealed to a fixed
    length (mixing.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    def __str__(self) -> str:
        return f"held ballot {self.pk}"


class BudgetPaperKeying(models.Model):
    """The first keying of a paper budget ballot, waiting for the second. Keyed digests of the
    member and of member-and-choices, never the choices nor the member: a matching second keying
    is recognised, but no row ties a voter to what the paper says. Deleted when it is cast."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="+")
    member_digest = models.CharField(max_length=64)
    choices_digest = models.CharField(max_length=64)
    keyed_by_name = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "member_digest"], name="budget_paper_keying_once"
            )
        ]

    def __str__(self) -> str:
        return "a pending paper keying"


class BudgetBallot(models.Model):
    """What was voted: a random id, no time, no member, no order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="+")
    choices = models.JSONField()

    class Meta:
        ordering = ["budget", "id"]  # never insertion order

    def __str__(self) -> str:
        return f"ballot {self.pk}"


class Delivery(DeliveryQuestions, models.Model):
    """What became of a decision: a funded project, an adopted proposal, a carried resolution."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        UNDER_WAY = "under_way", "Under way"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    class Source(models.TextChoices):
        BUDGET_PROJECT = "budget_project", "Funded project"
        PROPOSAL = "proposal", "Members' proposal"
        RESOLUTION = "resolution", "General meeting resolution"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_ref = models.CharField(max_length=80, help_text="e.g. budget 3 project P7, proposal 12")
    title = models.CharField(max_length=200)
    budget_project = models.OneToOneField(
        BudgetProject, on_delete=models.PROTECT, null=True, blank=True, related_name="delivery"
    )
    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="delivery"
    )
    responsible = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    dropped_reason = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    budget_pence = models.PositiveBigIntegerField(null=True, blank=True)
    decided_on = models.DateField()
    start_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="delivery_progress_percent"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="dropped") | ~models.Q(dropped_reason=""),
                name="delivery_dropped_has_reason",
            ),
            models.UniqueConstraint(
                fields=["organisation", "source", "source_ref"], name="delivery_once_per_decision"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DeliveryUpdate(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField()
    by = models.CharField(max_length=150)
    status = models.CharField(max_length=12, choices=Delivery.Status.choices)
    progress = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["delivery", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.text[:40]}"
