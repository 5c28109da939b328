"""The inspection log: every time the share register or its duplicate was seen or exported,
by whom and in what form. The Act lets members and anyone with an interest inspect the
duplicate register (CCBSA 2014 s.31); the log shows a member or regulator who has looked."""

from __future__ import annotations

from django.db import models

from mutualise.register.models import Organisation


class RegisterInspection(models.Model):
    class Copy(models.TextChoices):
        FULL = "full", "The share register (with holdings)"
        DUPLICATE = "duplicate", "The duplicate register (without holdings)"

    class Form(models.TextChoices):
        PAGE = "page", "Seen on the page"
        CSV = "csv", "Exported as CSV"
        XLSX = "xlsx", "Exported as a spreadsheet"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    inspected_at = models.DateTimeField()
    inspected_by = models.CharField(max_length=150)
    copy = models.CharField(max_length=10, choices=Copy.choices)
    form = models.CharField(max_length=5, choices=Form.choices)
    purpose = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["organisation_id", "-inspected_at", "-id"]
        indexes = [models.Index(fields=["organisation", "inspected_at"])]

    def __str__(self) -> str:
        return f"{self.get_copy_display()} {self.get_form_display().lower()} by {self.inspected_by}"
