"""Where a large import's checked rows wait on SQLite before they join the register.

SQLite has one write lock for the whole database. An import writes its checked rows here in
short committed chunks (each a few milliseconds of the lock, so a vote cast meanwhile waits for
one chunk at most), then moves them into the register in one short transaction
(`register/holding.py`). Nothing here is a member: no page, count, roll or export reads this
table. The rows are deleted when the import ends or fails, and those of an import whose process
was killed are deleted when the worker next starts (or the organisation's next import begins).
"""

from django.db import models


class ImportHolding(models.Model):
    """One import writing its rows into the holding table."""

    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="import_holdings"
    )
    # The worker's job running the import, if it runs as one (a retry starts afresh).
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # host:pid of the process writing it: a process no longer there left it behind.
    owner = models.CharField(max_length=120)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"import holding {self.pk} of organisation {self.organisation_id}"


class ImportHoldingRow(models.Model):
    """A checked row waiting to become a member: the fields `importing.COLUMNS` names."""

    organisation = models.ForeignKey(
        "register.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    holding = models.ForeignKey(
        ImportHolding, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    position = models.PositiveIntegerField()  # in the file's order: the members' numbers
    external_ref = models.CharField(max_length=100, blank=True)
    display_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    local_authority_code = models.CharField(max_length=9, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    contact_channel = models.CharField(max_length=8)
    large_print = models.BooleanField(default=False)
    easy_read = models.BooleanField(default=False)
    language = models.CharField(max_length=60, blank=True)
    sex = models.CharField(max_length=40, blank=True)
    ethnicity = models.CharField(max_length=80, blank=True)
    is_staff = models.BooleanField(default=False)
    contract_fixed_term = models.BooleanField(null=True)
    contract_months = models.PositiveSmallIntegerField(null=True)
    employment_start = models.DateField(null=True)
    employment_end = models.DateField(null=True)
    last_service_use = models.DateField(null=True)
    attestations = models.JSONField(default=list)
    constituency_id = models.CharField(max_length=80)
    class_id = models.CharField(max_length=80, blank=True)
    admitted_on = models.DateField(null=True)
    name_key = models.CharField(max_length=200, blank=True)
    surname_key = models.CharField(max_length=100, blank=True)
    postcode_key = models.CharField(max_length=8, blank=True)

    class Meta:
        indexes = [models.Index(fields=["holding", "position"], name="held_row_position")]

    def __str__(self) -> str:
        return f"held row {self.position} of holding {self.holding_id}"
