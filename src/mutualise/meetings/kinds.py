"""The kinds of general meeting (a meeting's `kind`): below the models, the lifecycle and the
facts, so each can name them without an import cycle."""

from django.db import models


class MeetingKind(models.TextChoices):
    AGM = "agm", "Annual general meeting"
    ANNUAL_MEMBERS = "annual-members", "Annual members' meeting"
    GENERAL = "general", "General meeting"
    SPECIAL = "special", "Special general meeting (requisitioned)"
    COUNCIL_OF_GOVERNORS = "council-of-governors", "Meeting of the council of governors"
