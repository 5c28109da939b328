"""The register of office holders (s.30(3) officers' register), their declarations, the
meetings of each body with who attended, and the last health check of each organisation."""

from django.db import models

from mutualise.elections.models import Election, OfficeTerm
from mutualise.register.models import Member, Organisation


class OfficeHolding(models.Model):
    """One person holding one seat (or one office, e.g. chair) on one body, from when to when,
    and how they came to hold it. Elected terms come from the elections app's `OfficeTerm`
    when a result is declared (see signals.py); the rest are recorded by an administrator."""

    class How(models.TextChoices):
        ELECTED = "elected", "Elected"
        APPOINTED = "appointed", "Appointed"
        CO_OPTED = "co-opted", "Co-opted"
        EX_OFFICIO = "ex-officio", "Ex officio"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body_id = models.CharField(max_length=80)
    seat_group_id = models.CharField(max_length=80, blank=True, help_text="Blank for an office")
    office_id = models.CharField(max_length=80, blank=True, help_text="e.g. chair; blank: a seat")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="office_holdings"
    )
    holder_name = models.CharField(max_length=200)
    # s.30(3): the officers' register records an address; from the member record when linked.
    address = models.TextField(blank=True)
    how = models.CharField(max_length=12, choices=How.choices)
    election = models.ForeignKey(
        Election, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    term = models.OneToOneField(
        OfficeTerm, on_delete=models.SET_NULL, null=True, blank=True, related_name="holding"
    )
    # Who chose them: the appointing body or person, or the body that elected them to an
    # office (a board electing its chair). Blank for members' elections (see `election`).
    chosen_by = models.CharField(max_length=200, blank=True)
    decided_on = models.DateField(null=True, blank=True, help_text="Date of the decision")
    started_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="When the term is due to end")
    ended_on = models.DateField(null=True, blank=True, help_text="First day no longer held")
    end_reason = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["organisation", "body_id", "office_id", "seat_group_id", "started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(how__in=["elected", "appointed", "co-opted", "ex-officio"]),
                name="holding_how_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(seat_group_id="", office_id=""),
                name="holding_seat_or_office",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="holding_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "body_id"], name="holding_body")]

    def __str__(self) -> str:
        return f"{self.holder_name} ({self.body_id}/{self.office_id or self.seat_group_id})"

    @property
    def seat_label(self) -> str:
        return self.office_id or self.seat_group_id


class Declaration(models.Model):
    """What a holder declared: an interest, or a ground of disqualification (which ends their
    right to hold office: the health check reports a holder still listed)."""

    class Kind(models.TextChoices):
        INTEREST = "interest", "Declared interest"
        DISQUALIFICATION = "disqualification", "Disqualification"
        NONE_APPLIES = "none-applies", "No disqualification applies"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    holding = models.ForeignKey(
        OfficeHolding, on_delete=models.CASCADE, related_name="declarations"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    declared_on = models.DateField()
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["holding", "declared_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["interest", "disqualification", "none-applies"]),
                name="declaration_kind_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


class BodyMeeting(models.Model):
    """A meeting of a body (the board, the council of governors), for its attendance record."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body_id = models.CharField(max_length=80)
    held_on = models.DateField()
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["organisation", "body_id", "-held_on"]

    def __str__(self) -> str:
        return f"{self.body_id} meeting {self.held_on}"


class BodyAttendance(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(BodyMeeting, on_delete=models.CASCADE, related_name="attendance")
    holding = models.ForeignKey(OfficeHolding, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "holding"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.holding_id} {'present' if self.present else 'absent'} {self.meeting_id}"


class HealthReport(models.Model):
    """The latest health check of an organisation (the daily run and each on-demand run write
    it), so the cross-organisation page reads one row per organisation."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="health_report"
    )
    checked_on = models.DateField()
    ran_at = models.DateTimeField()
    serious = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    findings = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.serious} serious, {self.warnings} warnings"


class Reminder(models.Model):
    """Something the organisation's officers must act on soon (an AGM falling due, a term
    ending, nominations or a poll closing), raised once by the daily run (checks/reminders.py)
    and mailed to them; closed when it no longer applies (done, passed, or the rulebook moved
    it: a new date is a new reminder)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual meeting due"  # the rulebook's `annual: true` kind
        TERM = "term", "Term ending"
        NOMINATIONS = "nominations", "Nominations closing"
        POLL = "poll", "Poll closing"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=80, help_text="What it is about, e.g. holding:12")
    due_on = models.DateField(help_text="When it happens or falls due")
    act_by = models.DateField(help_text="The last day to act")
    title = models.CharField(max_length=300)
    text = models.TextField()
    rule = models.CharField(max_length=300, help_text="The rulebook field the date comes from")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    raised_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    mailed_to = models.PositiveIntegerField(default=0, help_text="Officers e-mailed")

    class Meta:
        ordering = ["act_by", "kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "key", "due_on"], name="reminder_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["annual", "term", "nominations", "poll"]),
                name="reminder_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["open", "closed"]), name="reminder_state_known"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "state"], name="reminder_open")]

    def __str__(self) -> str:
        return self.title
