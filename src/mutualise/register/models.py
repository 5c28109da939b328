"""Organisations, their adopted constitutions (versioned), and the roles people hold in them."""

from functools import cached_property

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    model_slug = models.CharField(
        max_length=80, blank=True, help_text="The model rulebook it started from, if any"
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
        from mutualise.constitution import load_text

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
