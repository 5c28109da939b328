"""Organisations, their adopted constitutions (versioned), and the roles people hold in them."""

from functools import cached_property

from django.conf import settings
from django.db import models

from mutualise.constitution import load_text

from . import import_lifecycle


class KeyCollationMixin:
    """A column of normalised keys (see keys.py), compared byte by byte: PostgreSQL's "C"
    collation. Keys hold only ASCII letters, digits and spaces (emails are lower-cased), so the
    order is the same as under any locale, but each comparison is a memcmp instead of a call
    into the C library's collation: a fifth less work for PostgreSQL when a bulk import adds a
    million entries to the search indexes. SQLite compares bytes already (BINARY)."""

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


class KeyCharField(KeyCollationMixin, models.CharField):
    pass


class KeyEmailField(KeyCollationMixin, models.EmailField):
    pass


class Organisation(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    model_slug = models.CharField(
        max_length=80, blank=True, help_text="The model rulebook it started from, if any"
    )
    # Not a rulebook setting: the address depends on the install's mail server (the domains it
    # may send for, SPF and DKIM), not on the organisation's rules, and it changes without a
    # resolution of members.
    mail_from = models.CharField(
        max_length=254,
        blank=True,
        help_text="Its mail comes from this address, e.g. 'Northshire FT "
        "<membership@northshire.example>'; empty: the install's MUTUALISE_EMAIL_FROM",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def current_version(self) -> "ConstitutionVersion":
        return self.constitution_versions.order_by("-number").first()

    @property
    def constitution(self):
        """The adopted constitution (a `mutualise.constitution.Constitution`)."""
        return self.current_version.constitution


class ConstitutionVersion(models.Model):
    """One adopted text of the rulebook. Never edited: amending adds a new version."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="constitution_versions"
    )
    number = models.PositiveIntegerField()
    source_name = models.CharField(max_length=255)
    source_text = models.TextField(help_text="The YAML as adopted, comments and all")
    sha256 = models.CharField(max_length=64)
    adopted_at = models.DateTimeField()
    adopted_by = models.CharField(max_length=150)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["organisation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="constitution_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} constitution v{self.number}"

    @cached_property
    def constitution(self):
        return load_text(self.source_text, self.source_name)


class Role(models.Model):
    """A role a user holds in one organisation. Roles are per organisation, never global."""

    class Kind(models.TextChoices):
        OFFICER = "officer", "Membership secretary (officer)"
        BOARD = "board", "Board member or governor"
        CHAIR = "chair", "Chair"
        RETURNING_OFFICER = "returning_officer", "Returning officer"
        ADMINISTRATOR = "administrator", "System administrator"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "kind"], name="role_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_kind_display()} of {self.organisation}"


# ---------------------------------------------------------------------------------------------
# Members


class MemberNumberSequence(models.Model):
    """The last membership number issued by an organisation. Numbers are never reused, even when
    a member is erased or merged, so the counter lives apart from the member rows."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="member_number_sequence"
    )
    last_number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organisation_id}: last member number {self.last_number}"


class ImportBatch(models.Model):
    """One accepted bulk import: the members it created point back to it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="import_batches"
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_already_present = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    as_applicants = models.BooleanField(
        default=False, help_text="Added as applicants for the board, not as members"
    )
    accepted_at = models.DateTimeField()
    accepted_by = models.CharField(max_length=150)

    def __str__(self) -> str:
        return f"import {self.pk} of {self.file_name}"


class PendingImport(models.Model):
    """An uploaded file waiting for the officer to check the preview and accept it. Deleted once
    accepted or abandoned, so no personal data lingers here."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pending_imports"
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    mapping = models.JSONField(default=dict, blank=True)
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Progress of an accepted import running in the background, for the page's progress bar.
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # The import job's state; its moves are register/import_lifecycle.py's table.
    state = models.CharField(
        max_length=16,
        choices=[(state, state.capitalize()) for state in import_lifecycle.STATES],
        default=import_lifecycle.UPLOADED,
    )
    error = models.TextField(blank=True)
    # After acceptance the file is dropped; only the rejected rows stay, for the officer to fix.
    rejected_csv = models.TextField(blank=True)
    batch = models.ForeignKey(
        "ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The worker's job running a large import: its progress and why it failed.
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"pending import {self.pk} of {self.file_name}"

    # The questions the progress page asks (the states are register/import_lifecycle.py's).
    @property
    def imported(self) -> bool:
        return self.state == import_lifecycle.DONE

    @property
    def has_failed(self) -> bool:
        return self.state == import_lifecycle.FAILED


class Member(models.Model):
    """A person's membership of one organisation, with the facts its rulebook asks for.

    Personal fields are blank after erasure (`erased_at` set); the row, its number, constituency,
    class and status history stay so that counts and past results do not change.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied (awaiting the board)"
        ADMITTED = "admitted", "Member"
        CEASED = "ceased", "Former member"
        DECLINED = "declined", "Application declined"
        MERGED = "merged", "Merged into another record"

    class Channel(models.TextChoices):
        POST = "post", "Post"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        TEXT = "text", "Text message"

    # No index of its own: every (organisation, ...) index below serves it (and costs an import).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members", db_index=False
    )
    number = models.PositiveBigIntegerField()
    # A sign-in account links to at most one member record per organisation (a person may
    # belong to several mutuals on one install). Indexed only where set: see Meta.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        db_index=False,
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.APPLIED)
    constituency_id = models.CharField(max_length=80)
    class_id = models.CharField(max_length=80, blank=True)

    display_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True, help_text="Address lines, without the postcode")
    postcode = models.CharField(max_length=10, blank=True, help_text="Normalised: 'SW1A 1AA'")
    local_authority_code = models.CharField(max_length=9, blank=True)
    email = KeyEmailField(blank=True, help_text="Stored in lower case")
    phone = models.CharField(max_length=40, blank=True)
    contact_channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.POST)
    large_print = models.BooleanField(default=False)
    easy_read = models.BooleanField(default=False)
    language = models.CharField(max_length=60, blank=True, help_text="If not English")
    consents = models.JSONField(default=dict, blank=True)
    # Collected only where the organisation reports representativeness; always optional.
    sex = models.CharField(max_length=40, blank=True)
    ethnicity = models.CharField(max_length=80, blank=True)

    # Facts the eligibility rules read.
    is_staff = models.BooleanField(default=False)
    contract_fixed_term = models.BooleanField(null=True, blank=True)
    contract_months = models.PositiveSmallIntegerField(null=True, blank=True)
    employment_start = models.DateField(null=True, blank=True)
    employment_end = models.DateField(null=True, blank=True, help_text="Last day of employment")
    last_service_use = models.DateField(null=True, blank=True)
    attestations = models.JSONField(default=list, blank=True)

    # Search and duplicate keys, derived from the fields above (see register/keys.py).
    name_key = KeyCharField(max_length=200, blank=True)
    surname_key = KeyCharField(max_length=100, blank=True)
    postcode_key = KeyCharField(max_length=8, blank=True)

    external_ref = KeyCharField(
        max_length=100, blank=True, help_text="The source system's id, for idempotent re-import"
    )
    # Not indexed: nothing looks members up by batch, and a bulk import would pay for an
    # index entry per member (a batch is never deleted while members point to it: PROTECT).
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        db_index=False,
    )
    # Indexed only where set (see Meta): almost every record is merged into nothing.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        db_index=False,
    )
    applied_on = models.DateField()
    admitted_on = models.DateField(null=True, blank=True)
    ceased_on = models.DateField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [
            "organisation_id",
            "number",
        ]  # by id: "organisation" would join and sort by name
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="member_unique_number"),
            models.UniqueConstraint(
                fields=["organisation", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="member_unique_external_ref",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["applied", "admitted", "ceased", "declined", "merged"]
                ),
                name="member_status_known",
            ),
            # Led by the user, so "is this account a member anywhere" uses it too.
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(user__isnull=False),
                name="member_one_record_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "name_key"], name="member_name_key"),
            models.Index(fields=["organisation", "surname_key"], name="member_surname_key"),
            models.Index(fields=["organisation", "postcode_key"], name="member_postcode_key"),
            models.Index(
                fields=["organisation", "email"],
                condition=~models.Q(email=""),
                name="member_email",
            ),
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="member_merged_into",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.display_name}"

    @property
    def is_member(self) -> bool:
        return self.status == self.Status.ADMITTED


class MembershipPeriod(models.Model):
    """A span during which the person was a member in one constituency (and class).

    `active_members(on=...)` reads these, so a roll frozen for a past date is exact even after
    members have ceased, re-joined or moved constituency. `ended_on` is the first day not a member.
    """

    # No index of its own: period_dates leads with it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="periods")
    constituency_id = models.CharField(max_length=80)
    class_id = models.CharField(max_length=80, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["member", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="membership_period_ends_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "started_on", "ended_on"], name="period_dates")
        ]

    def __str__(self) -> str:
        return (
            f"{self.member_id} in {self.constituency_id} {self.started_on}..{self.ended_on or ''}"
        )


class StatusChange(models.Model):
    """One entry of a member's history: applied, admitted, ceased (with reason), re-joined, ..."""

    class Event(models.TextChoices):
        APPLIED = "applied", "Applied"
        ADMITTED = "admitted", "Admitted"
        DECLINED = "declined", "Application declined"
        CEASED = "ceased", "Ceased to be a member"
        REJOINED = "rejoined", "Re-joined"
        MOVED = "moved", "Changed constituency"
        MERGED = "merged", "Duplicate record merged"
        IMPORTED = "imported", "Imported from an earlier register"

    class Reason(models.TextChoices):
        RESIGNED = "resigned", "Resigned"
        DIED = "died", "Died"
        MOVED_OUT_OF_AREA = "moved_out_of_area", "Moved out of the area"
        NO_LONGER_ELIGIBLE = "no_longer_eligible", "No longer eligible"
        EXPELLED = "expelled", "Expelled"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(max_length=16, choices=Event.choices)
    reason = models.CharField(max_length=24, choices=Reason.choices, blank=True)
    effective_on = models.DateField()
    recorded_at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["member", "effective_on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.event} {self.effective_on}"


class PopulationTable(models.Model):
    """The population an organisation's membership should reflect (e.g. census figures for the
    trust's area), uploaded by an officer: rows of dimension, category and number of people."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="population_tables"
    )
    name = models.CharField(max_length=200)
    rows = models.JSONField(default=list, help_text="[[dimension, category, people], ...]")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["organisation", "-uploaded_at"]

    def __str__(self) -> str:
        return self.name


from .models_holding import ImportHolding, ImportHoldingRow  # noqa: E402, F401 (the app's models)
